export * from './schemas';
export * from './signing-input';

export * from './errors';
export * from './state';
export * from './intents';
export * from './events';

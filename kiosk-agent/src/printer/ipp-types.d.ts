/**
 * The part of npm `ipp` (2.0.1, plain JavaScript without types) that ./ipp-client uses: the IPP
 * message encoder and decoder. Messages are plain objects keyed by group tag; a group maps attribute
 * names to one value or an array of values (enums arrive as their keyword, e.g. `idle`).
 */
declare module 'ipp' {
  export type IppValue = string | number | boolean | Date | IppValue[] | { [member: string]: IppValue };
  export type IppGroup = Record<string, IppValue>;

  export interface IppMessage {
    /** `2.0` */
    version?: string;
    /** Request: operation name, e.g. `Print-Job`. */
    operation?: string;
    /** Response: status keyword, e.g. `successful-ok`, `client-error-not-found`. */
    statusCode?: string;
    /** request-id */
    id?: number;
    'operation-attributes-tag'?: IppGroup;
    /** Several groups of one kind arrive as an array. */
    'job-attributes-tag'?: IppGroup | IppGroup[];
    'printer-attributes-tag'?: IppGroup | IppGroup[];
    'unsupported-attributes-tag'?: IppGroup | IppGroup[];
    /** Document data appended after the attributes (requests only). */
    data?: Buffer;
  }

  interface Parse {
    (data: Buffer): IppMessage;
    /** Called for value tags it does not decode (e.g. no-value); logs to the console by default. */
    handleUnknownTag: (
      tag: number,
      name: string,
      length: number,
      read: (length: number) => string,
    ) => unknown;
  }

  interface Ipp {
    /** Encodes a request; throws a string (not an Error) for unknown attributes. */
    serialize(message: IppMessage): Buffer;
    parse: Parse;
  }

  const ipp: Ipp;
  export default ipp;
}

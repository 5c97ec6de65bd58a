/**
 * shared/wire.ts feature-tests for Node's `Buffer` (`typeof Buffer !== 'undefined'`), which the
 * web tsconfig (types: []) does not know. This declares just enough for that code to type-check
 * in the renderer; at run time the browser path (btoa/atob) is taken. Written so that it merges
 * cleanly with @types/node if that is ever part of the same program.
 */
declare global {
  interface BufferConstructor {
    from(data: ArrayBufferLike | string, byteOffsetOrEncoding?: number | string, length?: number): FolioNodeBuffer
  }
  interface FolioNodeBuffer extends Uint8Array {
    toString(encoding?: string): string
  }
  var Buffer: BufferConstructor
}

export {}

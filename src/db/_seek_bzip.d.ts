// Minimal type declarations for the untyped npm package "seek-bzip" (only what bz2.ts uses).
declare const Bunzip: {
  decode(
    input: Uint8Array,
    output?: Uint8Array | number,
    multistream?: boolean,
  ): Uint8Array;
};
export default Bunzip;

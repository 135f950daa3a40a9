// Types for transit.js: Sente's Transit packer (transit-json) for the Orleans.Sente client.
import type { Packer } from "./sente-client.js";

/** The Transit packer: `createClient({ packer: transitPacker })`. Text frames, `packer=transit`. */
export declare const transitPacker: Packer;

/** Writes a value as transit-json, with the write cache over the frame; throws a PackError for a value Transit cannot write. */
export declare function writeTransit(value: unknown): string;

/** Reads one transit-json frame, cached or verbose; throws a PackError for one it cannot read. */
export declare function readTransit(text: string): unknown;

// Types for msgpack.js: Sente 1.22's MessagePack packer for the Orleans.Sente client.
import type { Packer } from "./sente-client.js";

/** The MessagePack packer: `createClient({ packer: msgpackPacker })`. Binary frames, `packer=msgpack`. */
export declare const msgpackPacker: Packer;

/** Writes a value in Sente's MessagePack dialect; throws a PackError for a value it cannot write. */
export declare function encodeMsgpack(value: unknown): Uint8Array;

/** Reads one frame of Sente's MessagePack dialect; throws a PackError for one it cannot read. */
export declare function decodeMsgpack(data: Uint8Array | ArrayBuffer): unknown;

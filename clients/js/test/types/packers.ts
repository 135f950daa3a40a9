// Type-level test: the packers are imported from their own subpaths (by package name, as an
// application imports them) and given to createClient; the value model's classes are typed.
import { createClient, keyword, Keyword, Uuid, PackError, type Packer } from "orleans-sente-client";
import { transitPacker, readTransit, writeTransit } from "orleans-sente-client/transit";
import { msgpackPacker, encodeMsgpack, decodeMsgpack } from "orleans-sente-client/msgpack";

const transitClient = createClient({ host: "example.com", packer: transitPacker });
const msgpackClient = createClient({ host: "example.com", packer: msgpackPacker, type: "ajax" });
createClient({ host: "example.com", packer: "json" });
// @ts-expect-error a packer is "json" or a packer object, never another name
createClient({ host: "example.com", packer: "transit" });

const k: Keyword = keyword("my/status");
const text: string = k.text;
const ns: string | null = k.namespace;
const id: string = new Uuid("bed6400a-785e-4a83-a41d-e5b566cd8950").value;
const frame: string = writeTransit([k, new Set([1]), new Date(), 1n]);
const back: unknown = readTransit(frame);
const packed: Uint8Array = encodeMsgpack({ k });
const unpacked: unknown = decodeMsgpack(packed);
const custom: Packer = { name: "json", binary: false, pack: (v) => JSON.stringify(v), unpack: (d) => JSON.parse(String(d)) };
const err: Error = new PackError("x");
// @ts-expect-error writeTransit returns text, not bytes
const wrong: Uint8Array = writeTransit(1);

export { transitClient, msgpackClient, text, ns, id, back, unpacked, custom, err, wrong };

/**
 * A reader for the protobuf binary wire format.
 *
 * It knows nothing about any schema: it reads tags, varints, fixed-width
 * numbers and length-delimited payloads, and skips fields it is told to skip.
 * Every read is bounds-checked, so truncated or corrupt input ends in a
 * descriptive Error rather than a wrong value or a crash.
 */

/** The four wire types still in use, plus the two deprecated group markers. */
export const WireType = {
  Varint: 0,
  Fixed64: 1,
  LengthDelimited: 2,
  StartGroup: 3,
  EndGroup: 4,
  Fixed32: 5,
} as const;

export type WireTypeValue = (typeof WireType)[keyof typeof WireType];

export interface Tag {
  readonly fieldNumber: number;
  readonly wireType: WireTypeValue;
}

// Strings are decoded strictly: proto3 requires valid UTF-8 and a receiver
// that silently replaced bad bytes would hide a broken sender.
const utf8 = new TextDecoder('utf-8', { fatal: true });

// Groups can nest; a bound keeps hostile input from recursing forever.
const MAX_GROUP_DEPTH = 64;

export class WireReader {
  private position: number;
  private readonly end: number;

  constructor(
    private readonly bytes: Uint8Array,
    start = 0,
    end = bytes.length,
  ) {
    this.position = start;
    this.end = end;
  }

  /** Offset of the next unread byte, counted from the start of the whole buffer. */
  get offset(): number {
    return this.position;
  }

  get done(): boolean {
    return this.position >= this.end;
  }

  readTag(): Tag {
    const at = this.position;
    const key = this.readVarint();
    const fieldNumber = Math.floor(key / 8);
    const wireType = key % 8;
    if (fieldNumber === 0) {
      throw new Error(`invalid field number 0 at offset ${at}`);
    }
    if (wireType > WireType.Fixed32) {
      throw new Error(`invalid wire type ${wireType} for field ${fieldNumber} at offset ${at}`);
    }
    return { fieldNumber, wireType: wireType as WireTypeValue };
  }

  /**
   * A varint as a JavaScript number. Only for values that fit in 53 bits
   * (tags, lengths, enums, counts); use readVarint64 for int64 payloads.
   */
  readVarint(): number {
    const value = this.readVarint64();
    if (value > BigInt(Number.MAX_SAFE_INTEGER)) {
      throw new Error(`varint too large at offset ${this.position}`);
    }
    return Number(value);
  }

  /** A varint as an unsigned 64-bit BigInt (reinterpret with BigInt.asIntN for int64). */
  readVarint64(): bigint {
    const start = this.position;
    let result = 0n;
    let shift = 0n;
    // A 64-bit varint is at most ten bytes long.
    for (let i = 0; i < 10; i++) {
      if (this.position >= this.end) {
        throw new Error(`truncated varint at offset ${start}`);
      }
      const byte = this.bytes[this.position++] as number;
      result |= BigInt(byte & 0x7f) << shift;
      if ((byte & 0x80) === 0) {
        return BigInt.asUintN(64, result);
      }
      shift += 7n;
    }
    throw new Error(`varint longer than 10 bytes at offset ${start}`);
  }

  readFixed64(): bigint {
    const view = this.take(8, 'fixed64');
    return new DataView(view.buffer, view.byteOffset, 8).getBigUint64(0, true);
  }

  readFixed32(): number {
    const view = this.take(4, 'fixed32');
    return new DataView(view.buffer, view.byteOffset, 4).getUint32(0, true);
  }

  readDouble(): number {
    const view = this.take(8, 'double');
    return new DataView(view.buffer, view.byteOffset, 8).getFloat64(0, true);
  }

  /** The payload of a length-delimited field, as a view (not a copy). */
  readBytes(): Uint8Array {
    return this.take(this.readLength(), 'bytes');
  }

  readString(what: string): string {
    const at = this.position;
    const bytes = this.readBytes();
    try {
      return utf8.decode(bytes);
    } catch {
      throw new Error(`invalid UTF-8 in ${what} at offset ${at}`);
    }
  }

  /** A reader over the payload of a length-delimited field (an embedded message). */
  readMessage(): WireReader {
    const length = this.readLength();
    const start = this.position;
    this.position += length;
    return new WireReader(this.bytes, start, start + length);
  }

  /** Skips the value of a field whose tag was just read, as unknown fields must be. */
  skip(tag: Tag, depth = 0): void {
    switch (tag.wireType) {
      case WireType.Varint:
        this.readVarint64();
        return;
      case WireType.Fixed64:
        this.take(8, 'fixed64');
        return;
      case WireType.LengthDelimited:
        this.readBytes();
        return;
      case WireType.Fixed32:
        this.take(4, 'fixed32');
        return;
      case WireType.StartGroup:
        this.skipGroup(tag.fieldNumber, depth);
        return;
      case WireType.EndGroup:
        throw new Error(`unexpected end-group marker for field ${tag.fieldNumber} at offset ${this.position}`);
    }
  }

  /** Reads a length prefix and checks that the payload it announces is all there. */
  private readLength(): number {
    const at = this.position;
    const length = this.readVarint();
    if (length > this.end - this.position) {
      throw new Error(
        `truncated length-delimited field at offset ${at}: needs ${length} bytes, ${this.end - this.position} left`,
      );
    }
    return length;
  }

  private skipGroup(fieldNumber: number, depth: number): void {
    if (depth >= MAX_GROUP_DEPTH) {
      throw new Error(`groups nested deeper than ${MAX_GROUP_DEPTH} levels at offset ${this.position}`);
    }
    while (!this.done) {
      const inner = this.readTag();
      if (inner.wireType === WireType.EndGroup) {
        if (inner.fieldNumber !== fieldNumber) {
          throw new Error(
            `end-group marker for field ${inner.fieldNumber} does not match open group ${fieldNumber} at offset ${this.position}`,
          );
        }
        return;
      }
      this.skip(inner, depth + 1);
    }
    throw new Error(`truncated group for field ${fieldNumber}: no end-group marker`);
  }

  private take(length: number, what: string): Uint8Array {
    if (length > this.end - this.position) {
      throw new Error(`truncated ${what} at offset ${this.position}: needs ${length} bytes, ${this.end - this.position} left`);
    }
    const slice = this.bytes.subarray(this.position, this.position + length);
    this.position += length;
    return slice;
  }
}

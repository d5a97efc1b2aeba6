/**
 * How far a metadata reader has got through its file before its first frame: the seed CSV and
 * MOT readers pass over the file once for the frame numbers alone (frame-order.ts) before they
 * yield anything, which for a week of rows takes seconds. Each pass reports the bytes it has
 * read from the file's start; the share is the furthest any pass has reached, so it only rises
 * (a file sorted through temporary files reaches 1 after its frame-number passes and stays there
 * while its rows are distributed).
 */
export class ReadMeter {
  private furthest = 0;
  private total = 0;

  /** The file's size in bytes; until it is known the share is 0. */
  setTotal(bytes: number): void {
    this.total = bytes;
  }

  /** A pass has read `bytes` from the file's start. */
  observe(bytes: number): void {
    if (bytes > this.furthest) this.furthest = bytes;
  }

  /** The share of the file read so far, 0–1. */
  share(): number {
    return this.total > 0 ? Math.min(1, this.furthest / this.total) : 0;
  }
}

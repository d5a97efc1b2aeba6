/**
 * Loads the picture at `url` (a served preview, a `data:` URL) and hands its pixels, stretched to
 * `width × height`, to `onPixels`: RGBA, row-major, 4 bytes a pixel — what the heat is blended
 * over. `onFailure` is called instead when the picture cannot be loaded or drawn. Used by every
 * view that paints heat over a picture (the timeline, the period views, the live follow).
 */
export function loadPicturePixels(
  url: string,
  width: number,
  height: number,
  onPixels: (pixels: Uint8ClampedArray) => void,
  onFailure: () => void,
): void {
  const picture = new Image();
  picture.onload = () => {
    const scratch = document.createElement('canvas');
    scratch.width = width;
    scratch.height = height;
    const context = scratch.getContext('2d');
    if (context === null) return;
    context.drawImage(picture, 0, 0, width, height);
    onPixels(context.getImageData(0, 0, width, height).data);
  };
  picture.onerror = onFailure;
  picture.src = url;
}

/**
 * The pure pixel renderer (SPEC §4): counts → colours → picture. Runs in Node (video, PNG)
 * and in the browser (the app's preview); no Node or DOM APIs.
 */
export { colorScale, type ColorScale } from './scale.js';
export { heatColors, heatColorsRgba, heatCoverage } from './heat.js';
export { upscaleNearest, upscaleBilinear } from './upscale.js';
export { blend, blendCovered } from './blend.js';
export { drawText, measureText, textScale, type PixelBox, type TextOptions } from './text.js';
export { drawColorbar, colorbarTicks, colorbarWidth, formatTick, type ColorbarOptions } from './colorbar.js';
export { frameLabel } from './label.js';
export { FrameRenderer, type FrameInput, type FrameStyle } from './frame.js';
export { resolveVideoFormat, rateOfTimes, type SourceFormat, type VideoFormat, type PixelSize } from './video-format.js';

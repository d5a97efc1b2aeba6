import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

/** The renderer, built to dist/renderer with relative URLs so it loads from file:// (Electron) and the web host alike. */
export default defineConfig({
  root: import.meta.dirname,
  base: './',
  plugins: [react()],
  build: {
    outDir: '../dist/renderer',
    emptyOutDir: true,
    sourcemap: true,
  },
});

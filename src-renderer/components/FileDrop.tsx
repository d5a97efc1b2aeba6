import { useEffect, useEffectEvent, useState } from 'react';

/** A file dragged onto the window; folders are flagged, since a browser cannot send their contents. */
export interface DroppedEntry {
  file: File;
  isFolder: boolean;
}

/**
 * Files dragged over any part of the window: `true` while they hover (for the overlay), and
 * `onDrop` with them when they are let go. Drags of text or links are left to the page.
 */
export function useFileDrop(onDrop: (entries: DroppedEntry[]) => void): boolean {
  const [dragging, setDragging] = useState(false);
  const dropped = useEffectEvent(onDrop);
  useEffect(() => {
    // dragenter and dragleave fire for every element crossed; the window is left when they balance.
    let depth = 0;
    const carriesFiles = (event: DragEvent): boolean => event.dataTransfer?.types.includes('Files') === true;
    const enter = (event: DragEvent): void => {
      if (!carriesFiles(event)) return;
      event.preventDefault();
      depth += 1;
      setDragging(true);
    };
    const over = (event: DragEvent): void => {
      if (!carriesFiles(event)) return;
      // Without this the browser opens the file in place of the app.
      event.preventDefault();
      if (event.dataTransfer !== null) event.dataTransfer.dropEffect = 'copy';
    };
    const leave = (event: DragEvent): void => {
      if (!carriesFiles(event)) return;
      depth = Math.max(0, depth - 1);
      if (depth === 0) setDragging(false);
    };
    const drop = (event: DragEvent): void => {
      if (!carriesFiles(event) || event.dataTransfer === null) return;
      event.preventDefault();
      depth = 0;
      setDragging(false);
      // The items are readable only during this event.
      const entries = Array.from(event.dataTransfer.items)
        .filter((item) => item.kind === 'file')
        .flatMap((item) => {
          const file = item.getAsFile();
          return file === null ? [] : [{ file, isFolder: item.webkitGetAsEntry()?.isDirectory === true }];
        });
      dropped(entries);
    };
    window.addEventListener('dragenter', enter);
    window.addEventListener('dragover', over);
    window.addEventListener('dragleave', leave);
    window.addEventListener('drop', drop);
    return () => {
      window.removeEventListener('dragenter', enter);
      window.removeEventListener('dragover', over);
      window.removeEventListener('dragleave', leave);
      window.removeEventListener('drop', drop);
    };
  }, []);
  return dragging;
}

/** The veil over the window while files hover or are being read. */
export function DropOverlay({ reading }: { reading: boolean }) {
  return (
    <div className="drop-overlay" data-testid="drop-overlay" aria-live="polite">
      <p>{reading ? 'Reading the dropped files…' : 'Drop a video, a metadata file (CSV, det.txt, inference JSON) or settings YAML'}</p>
    </div>
  );
}

import { FocusTrap } from './FocusTrap.js';

/** Every keyboard shortcut of the window, as the sheet lists them. */
export const SHORTCUTS: ReadonlyArray<{ keys: string; does: string }> = [
  { keys: '?', does: 'show or hide this sheet' },
  { keys: 'Ctrl+Enter', does: 'analyse' },
  { keys: 'Space', does: 'play or pause (timeline or chart focused)' },
  { keys: '← →', does: 'previous or next frame' },
  { keys: 'Shift+← →', does: 'a small step back or on: about 1/100 of the frames in view (1 s, 10 s, 1 min … 1 day with a time base)' },
  { keys: 'Page Up / Page Down', does: 'a large step on or back: about 1/10 of the frames in view (the chart caption shows both steps)' },
  { keys: 'Home / End', does: 'first or last frame' },
  { keys: 'Escape', does: 'close a dialog; cancel a running export' },
  { keys: 'Tab / Shift+Tab', does: 'move between controls' },
];

/** The keyboard shortcut sheet (`?`): a dialog, closed by Escape, `?` or its button. */
export function ShortcutSheet({ onClose }: { onClose: () => void }) {
  return (
    <div className="dialog-backdrop" onClick={onClose}>
      <FocusTrap>
        <div
          className="dialog"
          role="dialog"
          aria-modal="true"
          aria-labelledby="shortcuts-title"
          data-testid="shortcut-sheet"
          onClick={(event) => event.stopPropagation()}
        >
          <h2 id="shortcuts-title">Keyboard shortcuts</h2>
          <table className="shortcuts">
            <tbody>
              {SHORTCUTS.map((shortcut) => (
                <tr key={shortcut.keys}>
                  <th scope="row">
                    <kbd>{shortcut.keys}</kbd>
                  </th>
                  <td>{shortcut.does}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <div className="row end">
            <button type="button" onClick={onClose}>
              Close
            </button>
          </div>
        </div>
      </FocusTrap>
    </div>
  );
}

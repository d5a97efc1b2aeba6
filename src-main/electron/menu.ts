/**
 * The application menu as data: the main process builds it with `Menu.buildFromTemplate`,
 * tests read it in Node. App actions go to the renderer as `menu` events of api.ts.
 */
import type { MenuItemConstructorOptions } from 'electron';
import type { MenuAction } from '../../src-shared/api.js';

export function menuTemplate(
  send: (action: MenuAction) => void,
  platform: NodeJS.Platform = process.platform,
): MenuItemConstructorOptions[] {
  const item = (label: string, action: MenuAction, accelerator?: string): MenuItemConstructorOptions => ({
    label,
    click: () => send(action),
    ...(accelerator === undefined ? {} : { accelerator }),
  });
  const file: MenuItemConstructorOptions = {
    label: 'File',
    submenu: [
      item('Open Metadata…', 'open-metadata', 'CmdOrCtrl+O'),
      item('Open Video…', 'open-video', 'CmdOrCtrl+Shift+O'),
      item('Open Demo', 'open-demo'),
      { type: 'separator' },
      item('Import Settings…', 'import-settings', 'CmdOrCtrl+I'),
      item('Export Settings…', 'export-settings', 'CmdOrCtrl+S'),
      { type: 'separator' },
      item('Export Outputs…', 'export', 'CmdOrCtrl+E'),
      item('Export as Parquet…', 'export-parquet'),
      item('Write Report…', 'write-report'),
      ...(platform === 'darwin' ? [] : [{ type: 'separator' } as const, { role: 'quit' } as const]),
    ],
  };
  const template: MenuItemConstructorOptions[] = [
    file,
    { role: 'editMenu' },
    {
      label: 'View',
      submenu: [{ role: 'reload' }, { role: 'toggleDevTools' }, { type: 'separator' }, { role: 'resetZoom' }, { role: 'zoomIn' }, { role: 'zoomOut' }, { type: 'separator' }, { role: 'togglefullscreen' }],
    },
    { role: 'windowMenu' },
  ];
  return platform === 'darwin' ? [{ role: 'appMenu' }, ...template] : template;
}

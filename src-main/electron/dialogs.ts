/**
 * What each native dialog of the app asks: the main process passes these options to
 * `dialog.showOpenDialog` / `showSaveDialog`.
 */
import type { OpenDialogOptions, SaveDialogOptions } from 'electron';
import type { PickPurpose } from '../../src-shared/api.js';

export type DialogRequest = { kind: 'open'; options: OpenDialogOptions } | { kind: 'save'; options: SaveDialogOptions };

const YAML_FILTER = { name: 'Settings (YAML)', extensions: ['yaml', 'yml'] };

export function dialogFor(purpose: PickPurpose): DialogRequest {
  switch (purpose) {
    case 'video':
      return {
        kind: 'open',
        options: {
          title: 'Open video',
          properties: ['openFile'],
          filters: [{ name: 'Video', extensions: ['mp4', 'mov', 'mkv', 'avi', 'webm'] }, { name: 'All files', extensions: ['*'] }],
        },
      };
    case 'metadata':
      return {
        kind: 'open',
        options: {
          title: 'Open detections (seed CSV, MOTChallenge, inference JSON)',
          properties: ['openFile'],
          filters: [{ name: 'Detections', extensions: ['csv', 'txt', 'json', 'jsonl'] }, { name: 'All files', extensions: ['*'] }],
        },
      };
    case 'settings-open':
      return { kind: 'open', options: { title: 'Import settings', properties: ['openFile'], filters: [YAML_FILTER] } };
    case 'settings-save':
      return { kind: 'save', options: { title: 'Export settings', defaultPath: 'heat_map_app.yaml', filters: [YAML_FILTER] } };
    case 'folder':
      return { kind: 'open', options: { title: 'Export to folder', properties: ['openDirectory', 'createDirectory'] } };
  }
}

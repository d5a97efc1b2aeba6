import { useCallback, useEffect, useEffectEvent, useMemo, useState } from 'react';
import type { ApiClient, ApiEvent, HostInfo, MenuAction, RunInfo } from '../../src-shared/api.js';
import { defaultSettings, findSettingsIssues, type SettingField as Field, type Settings } from '../../src-shared/settings/index.js';
import { messageOf } from '../api/client.js';
import { describeDrop, planDrop, withDroppedSources, type RecognisedFile } from '../logic/drop.js';
import { settingField, withSetting } from '../logic/settings-form.js';
import { ConsolePanel } from './ConsolePanel.js';
import { ExportDialog } from './ExportDialog.js';
import { DropOverlay, useFileDrop, type DroppedEntry } from './FileDrop.js';
import { SettingsPanel } from './SettingsPanel.js';
import { SourcesPanel } from './SourcesPanel.js';
import { Timeline } from './Timeline.js';
import { ZoneEditor } from './ZoneEditor.js';

interface Message {
  id: number;
  kind: 'error' | 'warning' | 'info';
  text: string;
}

interface Running {
  runId: string;
  frames: number;
  expectedFrames?: number;
  rate: number;
}

/** How often a running analysis is asked for its state, in case an event was lost (a dropped connection). */
const RUN_CHECK_INTERVAL_MS = 5_000;

const MAX_MESSAGES = 6;
let nextMessageId = 1;

export function App({ api }: { api: ApiClient }) {
  const [host, setHost] = useState<HostInfo | null>(null);
  const [settings, setSettings] = useState<Settings>(defaultSettings);
  /** The analysis in progress, if any. */
  const [running, setRunning] = useState<Running | null>(null);
  /** The `analyse` request is on its way (so a double click starts one run). */
  const [starting, setStarting] = useState(false);
  /** The last finished analysis: on screen until a newer one finishes, also while one runs or after one fails. */
  const [done, setDone] = useState<RunInfo | null>(null);
  const [messages, setMessages] = useState<Message[]>([]);
  const [exporting, setExporting] = useState(false);
  const [preparingDemo, setPreparingDemo] = useState(false);
  const [readingDrop, setReadingDrop] = useState(false);
  const issues = useMemo(() => findSettingsIssues(settings), [settings]);

  const say = useCallback((kind: Message['kind'], text: string) => {
    setMessages((current) => [...current, { id: nextMessageId++, kind, text }].slice(-MAX_MESSAGES));
  }, []);
  const onError = useCallback((text: string) => say('error', text), [say]);
  const onInfo = useCallback((text: string) => say('info', text), [say]);

  useEffect(() => {
    api.call('hostInfo', {}).then(setHost, (error: unknown) => onError(messageOf(error)));
  }, [api, onError]);

  const runId = running?.runId ?? null;
  useEffect(() => {
    if (runId === null) return;
    let ended = false;
    /** The run's end, from its RunInfo: the one place the outcome is applied, whichever way it was learnt. */
    const settle = (info: RunInfo): void => {
      if (ended || info.state === 'running') return;
      ended = true;
      setRunning(null);
      if (info.state === 'done') setDone(info);
      else if (info.state === 'cancelled') say('info', 'Analysis cancelled.');
      else onError(`Analysis failed: ${info.error ?? 'no reason given'}`);
    };
    const check = (): void => {
      api.call('getRunInfo', { runId }).then(settle, (error: unknown) => {
        if (ended) return;
        ended = true;
        setRunning(null);
        onError(messageOf(error));
      });
    };
    const unsubscribe = api.subscribe((event: ApiEvent) => {
      if (ended || !('runId' in event) || event.runId !== runId) return;
      if (event.type === 'progress') {
        setRunning({ runId, frames: event.frames, expectedFrames: event.expectedFrames, rate: event.rate });
      } else if (event.type === 'warning') {
        say('warning', event.message);
      } else if (event.type === 'done' || event.type === 'error') {
        check();
      }
    });
    // Events sent before this subscription existed, or lost with a dropped connection, are caught up by asking.
    check();
    const timer = setInterval(check, RUN_CHECK_INTERVAL_MS);
    return () => {
      ended = true;
      unsubscribe();
      clearInterval(timer);
    };
  }, [api, runId, say, onError]);

  const onChange = useCallback((field: Field, value: unknown) => {
    setSettings((current) => withSetting(current, field, value));
  }, []);

  const openDemo = async () => {
    setPreparingDemo(true);
    try {
      const { settings: demo } = await api.call('openDemo', {});
      setSettings(demo);
      onInfo('Demo loaded: a synthetic crowd of 600 frames. Press Analyse.');
    } catch (error) {
      onError(messageOf(error));
    } finally {
      setPreparingDemo(false);
    }
  };

  const onMenu = useEffectEvent(async (action: MenuAction) => {
    try {
      if (action === 'open-demo') await openDemo();
      else if (action === 'export') setExporting(done !== null);
      else if (action === 'open-metadata' || action === 'open-video') {
        const { path } = await api.call('pickPath', { purpose: action === 'open-video' ? 'video' : 'metadata' });
        const key = `data_source_settings.local_data_settings.${action === 'open-video' ? 'video_file' : 'meta_file'}`;
        if (path !== null) onChange(settingField(key), path);
      } else if (action === 'import-settings') {
        const { path } = await api.call('pickPath', { purpose: 'settings-open' });
        if (path === null) return;
        const imported = await api.call('importYaml', { path });
        setSettings(imported.settings);
        for (const warning of imported.warnings) say('warning', warning);
      } else {
        const { path } = await api.call('pickPath', { purpose: 'settings-save' });
        if (path !== null) await api.call('exportYaml', { settings, path });
      }
    } catch (error) {
      onError(messageOf(error));
    }
  });
  useEffect(() => api.subscribe((event) => {
    if (event.type === 'menu') void onMenu(event.action);
  }), [api]);

  /** Every dropped file is read first; the settings change only when all of them could be used. */
  const dropFiles = async (entries: DroppedEntry[]) => {
    if (entries.length === 0) return;
    setReadingDrop(true);
    try {
      const recognise = async ({ file, isFolder }: DroppedEntry): Promise<RecognisedFile> => {
        if (isFolder && host?.host === 'web') {
          throw new Error(`${file.name}: a browser cannot send a folder; type its path in the metadata field`);
        }
        const path = await api.localPath(file);
        return { name: file.name, file: await api.call('inspectFile', { path }) };
      };
      const results = await Promise.allSettled(entries.map(recognise));
      const failures = results.flatMap((result) => (result.status === 'rejected' ? [messageOf(result.reason)] : []));
      if (failures.length > 0) {
        for (const failure of failures) onError(failure);
        return;
      }
      const plan = planDrop(results.flatMap((result) => (result.status === 'fulfilled' ? [result.value] : [])));
      const imported = plan.settings === undefined ? null : await api.call('importYaml', { path: plan.settings.file.path });
      // Applied to the settings of the moment: fields edited while a large file uploaded stay edited.
      setSettings((current) => withDroppedSources(imported?.settings ?? current, plan));
      for (const warning of imported?.warnings ?? []) say('warning', warning);
      onInfo(describeDrop(plan, withDroppedSources(imported?.settings ?? settings, plan)));
    } catch (error) {
      onError(messageOf(error));
    } finally {
      setReadingDrop(false);
    }
  };
  const dragging = useFileDrop((entries) => void dropFiles(entries));

  const analyse = async () => {
    if (starting || running !== null) return;
    setStarting(true);
    try {
      const { runId: started } = await api.call('analyse', { settings });
      // Hints such as "Press Analyse" are stale once a run starts; warnings and errors stay.
      setMessages((current) => current.filter((message) => message.kind !== 'info'));
      setRunning({ runId: started, frames: 0, rate: 0 });
    } catch (error) {
      onError(messageOf(error));
    } finally {
      setStarting(false);
    }
  };

  return (
    <div className="app">
      <header>
        <h1>
          crowdheat <small>{host !== null ? `${host.version} · ${host.host === 'web' ? 'browser' : 'desktop'}` : ''}</small>
        </h1>
        <div className="actions">
          {running !== null ? (
            <>
              <span className="progress-text" data-testid="analysis-progress">
                analysing… {running.frames}
                {running.expectedFrames !== undefined ? ` / ${running.expectedFrames}` : ''} frames
              </span>
              <button type="button" onClick={() => void api.call('cancel', { runId: running.runId })}>
                Cancel
              </button>
            </>
          ) : (
            <button
              type="button"
              onClick={() => void analyse()}
              disabled={issues.length > 0 || starting}
              title={issues.length > 0 ? `Fix the settings first: ${issues[0].message}` : 'Count and render every frame'}
              data-testid="analyse"
            >
              Analyse
            </button>
          )}
          <button type="button" className="secondary" disabled={done === null} onClick={() => setExporting(true)} data-testid="export">
            Export…
          </button>
        </div>
      </header>
      <aside>
        <SourcesPanel api={api} host={host} settings={settings} issues={issues} onChange={onChange} onOpenDemo={() => void openDemo()} preparingDemo={preparingDemo} onError={onError} />
        {settings.data_source_settings.mode === 'console' && (
          <ConsolePanel api={api} settings={settings} issues={issues} onChange={onChange} onError={onError} />
        )}
        <SettingsPanel
          api={api}
          host={host}
          settings={settings}
          issues={issues}
          onChange={onChange}
          onImported={(imported, warnings) => {
            setSettings(imported);
            for (const warning of warnings) say('warning', warning);
          }}
          onError={onError}
          onInfo={onInfo}
        />
        <ZoneEditor
          zones={settings.zones}
          width={settings.heat_map_settings.params.image_size_h}
          height={settings.heat_map_settings.params.image_size_v}
          onZonesChange={(zones) => setSettings((current) => ({ ...current, zones }))}
        />
      </aside>
      <main>
        {done !== null ? (
          <Timeline key={done.runId} api={api} run={done} onError={onError} onFitToData={(max) => onChange(settingField('output_settings.max'), max)} />
        ) : (
          <div className="empty">
            {running !== null ? (
              <progress max={running.expectedFrames ?? undefined} value={running.frames} />
            ) : (
              <p>
                Choose a source (or <strong>Open demo</strong>), check the settings, then <strong>Analyse</strong>.
              </p>
            )}
          </div>
        )}
      </main>
      <ul className="messages" aria-live="polite">
        {messages.map((message) => (
          <li key={message.id} className={message.kind}>
            <span>{message.text}</span>
            <button type="button" className="link" aria-label="Dismiss" onClick={() => setMessages((current) => current.filter((m) => m.id !== message.id))}>
              ×
            </button>
          </li>
        ))}
      </ul>
      {(dragging || readingDrop) && <DropOverlay reading={readingDrop} />}
      {exporting && done !== null && (
        <ExportDialog
          api={api}
          host={host}
          runId={done.runId}
          {...(done.video === undefined ? {} : { video: done.video })}
          defaultFolder={settings.output_settings.output_dir}
          onClose={() => setExporting(false)}
          onInfo={onInfo}
        />
      )}
    </div>
  );
}

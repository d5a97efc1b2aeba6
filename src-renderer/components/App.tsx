import { useCallback, useEffect, useEffectEvent, useMemo, useRef, useState } from 'react';
import type { ApiClient, ExportOutput, HostInfo, MenuAction, ResponseOf, RunInfo } from '../../src-shared/api.js';
import { findSettingsIssues, type SettingField as Field, type Settings } from '../../src-shared/settings/index.js';
import { messageOf } from '../api/client.js';
import { liveDisplay, outOfDateNotice } from '../logic/display.js';
import { settingsOfOpened } from '../logic/library.js';
import { describeDrop, planDrop, withDroppedSources, type RecognisedFile } from '../logic/drop.js';
import { importReport } from '../logic/import-report.js';
import { shownSidebarWidth, withRecent, type RecentFile } from '../logic/remembered.js';
import { settingField, withSetting } from '../logic/settings-form.js';
import { ConsolePanel } from './ConsolePanel.js';
import { CoordinateSpaceNotice } from './CoordinateSpaceNotice.js';
import { shownCoordinateFinding } from '../logic/coordinate-space.js';
import { ExportDialog } from './ExportDialog.js';
import { DropOverlay, useFileDrop, type DroppedEntry } from './FileDrop.js';
import { FocusTrap } from './FocusTrap.js';
import { latestSeek, newSeek, PeriodViews, type Seek } from './PeriodViews.js';
import { ProgressBar } from './ProgressBar.js';
import { RecentAnalyses } from './RecentAnalyses.js';
import { SettingsPanel } from './SettingsPanel.js';
import { ShortcutSheet } from './ShortcutSheet.js';
import { SourcesPanel } from './SourcesPanel.js';
import { Splitter } from './Splitter.js';
import { Timeline } from './Timeline.js';
import { COORDINATE_TOPIC, useAnalysis } from './useAnalysis.js';
import { useFollow } from './useFollow.js';
import { FollowStatusLine } from './FollowControl.js';
import { useLibrary } from './useLibrary.js';
import { useMessages } from './useMessages.js';
import { usePathChecks } from './usePathChecks.js';
import { loadRemembered, useRememberWrites } from './useRemembered.js';
import { ZoneEditor } from './ZoneEditor.js';
import { ZoneChart } from './ZoneChart.js';
import { useZoneFigures } from './useZoneFigures.js';
import { useAnalysisZones } from './useAnalysisZones.js';
import { useAnalysisDisplay } from './useAnalysisDisplay.js';
import { useWindowWidth } from './useWindowWidth.js';
import { shownZoneOf } from '../logic/period.js';

const META_KEY = 'data_source_settings.local_data_settings.meta_file';
const VIDEO_KEY = 'data_source_settings.local_data_settings.video_file';

/** Whether a key press is typed into a field (so it is text, not a shortcut). */
/** Inputs that take no typed text: a key such as `?` on them is a shortcut, not a character. */
const KEYLESS_INPUT_TYPES: readonly string[] = ['range', 'checkbox', 'radio', 'button', 'submit', 'reset', 'color', 'file', 'image'];

function typingIn(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  if (target instanceof HTMLInputElement) return !KEYLESS_INPUT_TYPES.includes(target.type);
  return target.isContentEditable || ['TEXTAREA', 'SELECT'].includes(target.tagName);
}

export function App({ api }: { api: ApiClient }) {
  const [initial] = useState(loadRemembered);
  const [host, setHost] = useState<HostInfo | null>(null);
  const [settings, setSettings] = useState<Settings>(initial.settings);
  const [recent, setRecent] = useState<RecentFile[]>(initial.recent);
  const [layout, setLayout] = useState(initial.layout);
  const windowWidth = useWindowWidth();
  const [exporting, setExporting] = useState(false);
  /** The outputs the Export dialog opens with ticked (the menu's Export as Parquet…); its default when undefined. */
  const [exportInitial, setExportInitial] = useState<readonly ExportOutput[] | undefined>(undefined);
  const [showingShortcuts, setShowingShortcuts] = useState(false);
  const [preparingDemo, setPreparingDemo] = useState(false);
  const [readingDrop, setReadingDrop] = useState(false);
  const issues = useMemo(() => findSettingsIssues(settings), [settings]);
  const pathChecks = usePathChecks(api, settings);
  const { messages, say, clearKind, clearTopic, clearRun, keepRuns, dismiss } = useMessages();
  // Hints such as "Press Analyse" are stale once a run starts; warnings and errors stay.
  const onStarted = useCallback(() => clearKind('info'), [clearKind]);
  const { running, starting, done, analyse, cancel, show } = useAnalysis(api, say, onStarted);
  useRememberWrites({ settings, recent, layout });

  const onError = useCallback((text: string) => say('error', text), [say]);
  const follow = useFollow(api, onError);
  const onInfo = useCallback((text: string) => say('info', text), [say]);
  // The library is read again whenever an analysis starts or ends.
  /** An analysis opened from the library comes with its settings and zones (saved from the app, or its own). */
  const showOpened = useCallback(
    (info: RunInfo) => {
      show(info);
      // The form becomes the analysis's settings (zones included), so it is shown as analysed.
      setSettings((current) => settingsOfOpened(current, info));
    },
    [show],
  );
  const library = useLibrary(api, `${running?.runId ?? ''}:${done?.runId ?? ''}`, showOpened, onError);
  const deleteAnalysis = (runId: string) => {
    if (done?.runId === runId) show(null);
    clearRun(runId);
    void library.remove(runId);
  };
  // An analysis's messages (its warnings, its outcome) leave the screen with it, however it
  // leaves: another opened or finished, or none shown; those of the one running stay.
  const shownRunId = done?.runId ?? null;
  const keepShownRunMessages = useEffectEvent((shown: string | null) => keepRuns([shown, running?.runId ?? null]));
  useEffect(() => keepShownRunMessages(shownRunId), [shownRunId]);

  useEffect(() => {
    api.call('hostInfo', {}).then(setHost, (error: unknown) => onError(messageOf(error)));
  }, [api, onError]);

  /** Host copies of files dropped in the browser: temporary, so never recent files. */
  const uploadedPaths = useRef(new Set<string>());
  const remember = useCallback((file: RecentFile) => {
    if (!uploadedPaths.current.has(file.path)) setRecent((current) => withRecent(current, file));
  }, []);

  const onChange = useCallback((field: Field, value: unknown) => {
    setSettings((current) => withSetting(current, field, value));
  }, []);

  // A typed path enters the recent files once the back end has found it fits its field.
  const metadataCheck = pathChecks.metadata;
  const videoCheck = pathChecks.video;
  useEffect(() => {
    if (metadataCheck?.state === 'ok') remember({ path: metadataCheck.path, role: 'metadata' });
  }, [metadataCheck, remember]);
  useEffect(() => {
    if (videoCheck?.state === 'ok') remember({ path: videoCheck.path, role: 'video' });
  }, [videoCheck, remember]);

  /** Imported settings replace the form's; every problem of the file is said at once (and marked at its field). */
  const applyImport = (name: string, imported: ResponseOf<'importYaml'>, path?: string) => {
    setSettings(imported.settings);
    if (path !== undefined) remember({ path, role: 'settings' });
    for (const warning of imported.warnings) say('warning', warning);
    const report = importReport(name, imported.problems);
    say(report.kind, report.text, 'import');
  };

  const importSettingsFrom = async (path: string) => {
    applyImport(path, await api.call('importYaml', { path }), path);
  };

  const openRecent = async (file: RecentFile) => {
    try {
      if (file.role === 'settings') {
        await importSettingsFrom(file.path);
      } else {
        onChange(settingField(file.role === 'video' ? VIDEO_KEY : META_KEY), file.path);
        if (settings.data_source_settings.mode !== 'local') onChange(settingField('data_source_settings.mode'), 'local');
      }
    } catch (error) {
      onError(messageOf(error));
    }
  };

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

  // Errors of the views of the analysis shown (a frame, a period, its zones or display not saved) belong to it: they leave with it.
  const shownId = done?.runId;
  const onShownError = useCallback((text: string) => say('error', text, undefined, shownId), [say, shownId]);
  const zoneFigures = useZoneFigures(api, done?.runId ?? null, settings.zones);
  useAnalysisZones(api, done?.state === 'done' ? done : null, settings.zones, onShownError);
  const [zoneSeek, setZoneSeek] = useState<Seek | null>(null);
  const writeReport = async (folder: string | null) => {
    if (done === null || folder === null) return;
    const written = await api.call('writeReport', { runId: done.runId, folder, zones: settings.zones });
    onInfo(`Report written: ${written.path}`);
  };

  const onMenu = useEffectEvent(async (action: MenuAction) => {
    try {
      if (action === 'open-demo') await openDemo();
      else if (action === 'write-report') {
        if (done !== null) await writeReport((await api.call('pickPath', { purpose: 'folder' })).path);
      }
      else if (action === 'export' || action === 'export-parquet') {
        setExportInitial(action === 'export-parquet' ? ['parquet'] : undefined);
        setExporting(done !== null);
      }
      else if (action === 'open-metadata' || action === 'open-video') {
        const { path } = await api.call('pickPath', { purpose: action === 'open-video' ? 'video' : 'metadata' });
        if (path !== null) onChange(settingField(action === 'open-video' ? VIDEO_KEY : META_KEY), path);
      } else if (action === 'import-settings') {
        const { path } = await api.call('pickPath', { purpose: 'settings-open' });
        if (path === null) return;
        await importSettingsFrom(path);
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
      const droppedByPath = new Map<string, File>();
      const recognise = async ({ file, isFolder }: DroppedEntry): Promise<RecognisedFile> => {
        if (isFolder && host?.host === 'web') {
          throw new Error(`${file.name}: a browser cannot send a folder; type its path in the metadata field`);
        }
        const path = await api.localPath(file);
        const inspected = await api.call('inspectFile', { path });
        droppedByPath.set(inspected.path, file);
        if (host?.host === 'web') uploadedPaths.current.add(inspected.path);
        return { name: file.name, file: inspected };
      };
      const results = await Promise.allSettled(entries.map(recognise));
      const failures = results.flatMap((result) => (result.status === 'rejected' ? [messageOf(result.reason)] : []));
      if (failures.length > 0) {
        for (const failure of failures) onError(failure);
        return;
      }
      const plan = planDrop(results.flatMap((result) => (result.status === 'fulfilled' ? [result.value] : [])));
      // In the browser a dropped file is an uploaded copy whose folder means nothing: its text is
      // imported, and its relative paths resolve against the host's folder. On the desktop the
      // file is read where it is, and its paths resolve against its own folder.
      const settingsPath = plan.settings?.file.path;
      const droppedSettings = settingsPath === undefined ? undefined : droppedByPath.get(settingsPath);
      const fromUpload = host?.host === 'web' && droppedSettings !== undefined;
      const imported =
        settingsPath === undefined
          ? null
          : await api.call('importYaml', fromUpload ? { text: await droppedSettings.text() } : { path: settingsPath });
      // Applied to the settings of the moment: fields edited while a large file uploaded stay edited.
      setSettings((current) => withDroppedSources(imported?.settings ?? current, plan));
      for (const warning of imported?.warnings ?? []) say('warning', warning);
      if (imported !== null && plan.settings !== undefined) {
        if (!fromUpload) remember({ path: plan.settings.file.path, role: 'settings' });
        if ((imported.problems ?? []).length > 0) {
          const report = importReport(plan.settings.name, imported.problems);
          say(report.kind, report.text, 'import');
        }
      }
      onInfo(describeDrop(plan, withDroppedSources(imported?.settings ?? settings, plan)));
    } catch (error) {
      onError(messageOf(error));
    } finally {
      setReadingDrop(false);
    }
  };
  const dragging = useFileDrop((entries) => void dropFiles(entries));

  const pathProblem = pathChecks.metadata?.state === 'refused' || pathChecks.video?.state === 'refused';
  const blocker = issues.length > 0 ? `Fix the settings first: ${issues[0].message}` : pathProblem ? 'Fix the source paths first' : null;
  const canAnalyse = blocker === null && !starting && running === null;

  const onShortcut = useEffectEvent((event: KeyboardEvent) => {
    if (event.key === 'Escape' && showingShortcuts) {
      setShowingShortcuts(false);
    } else if (event.key === '?' && !typingIn(event.target) && !exporting) {
      event.preventDefault();
      setShowingShortcuts((open) => !open);
    } else if (event.key === 'Enter' && (event.ctrlKey || event.metaKey) && canAnalyse) {
      event.preventDefault();
      void analyse(settings);
    }
  });
  useEffect(() => {
    const listener = (event: KeyboardEvent) => onShortcut(event);
    window.addEventListener('keydown', listener);
    return () => window.removeEventListener('keydown', listener);
  }, []);

  const invalidKeys = useMemo(() => new Set(issues.map((issue) => issue.key)), [issues]);
  const display = done === null ? null : liveDisplay(done.output, settings.output_settings, invalidKeys);
  useAnalysisDisplay(api, done?.state === 'done' ? done : null, display, onShownError);
  const outOfDate = done === null ? null : outOfDateNotice(done.dataSource, settings);
  const coordinateFinding = shownCoordinateFinding(done?.coordinateSpace, settings.heat_map_settings.params);
  // The side panel yields to the timeline in a narrow window (the remembered width stays for a wide one).
  const sidebarWidth = shownSidebarWidth(layout.sidebarWidth, windowWidth);

  return (
    <div className="app" style={{ gridTemplateColumns: `${sidebarWidth}px minmax(0, 1fr)` }}>
      <header>
        <h1>
          crowdheat <small>{host !== null ? `${host.version} · ${host.host === 'web' ? 'browser' : 'desktop'}` : ''}</small>
        </h1>
        <FollowStatusLine status={follow.status} />
        <div className="actions">
          {running !== null && <ProgressBar running={running} onCancel={cancel} />}
          {running === null && (
            <button
              type="button"
              onClick={() => void analyse(settings)}
              disabled={!canAnalyse}
              title={blocker ?? 'Count and render every frame (Ctrl+Enter)'}
              data-testid="analyse"
            >
              Analyse
            </button>
          )}
          <button type="button" className="secondary" disabled={done === null} onClick={() => setExporting(true)} data-testid="export">
            Export…
          </button>
          {host?.nativeDialogs !== true && (
            <button
              type="button"
              className="secondary"
              disabled={done === null}
              title={`Write report.html of this analysis into ${settings.output_settings.output_dir}`}
              onClick={() => void writeReport(settings.output_settings.output_dir).catch((error: unknown) => onError(messageOf(error)))}
              data-testid="write-report"
            >
              Report
            </button>
          )}
          <button type="button" className="secondary" aria-label="Keyboard shortcuts" title="Keyboard shortcuts (?)" onClick={() => setShowingShortcuts(true)}>
            ?
          </button>
        </div>
      </header>
      <aside aria-label="Source and settings">
        <SourcesPanel
          api={api}
          host={host}
          settings={settings}
          issues={issues}
          onChange={onChange}
          onOpenDemo={() => void openDemo()}
          preparingDemo={preparingDemo}
          onError={onError}
          pathChecks={pathChecks}
          recent={recent}
          onRecent={(file) => void openRecent(file)}
        />
        <RecentAnalyses
          analyses={library.analyses}
          openRunId={done?.runId ?? null}
          onOpen={(runId) => void library.open(runId)}
          onDelete={deleteAnalysis}
        />
        {settings.data_source_settings.mode === 'console' && (
          <ConsolePanel api={api} settings={settings} issues={issues} onChange={onChange} onError={onError} follow={follow} />
        )}
        <SettingsPanel
          api={api}
          host={host}
          settings={settings}
          issues={issues}
          onChange={onChange}
          onImported={applyImport}
          onError={onError}
          onInfo={onInfo}
          onReplace={setSettings}
          advancedOpen={layout.advancedOpen}
          onAdvancedToggle={(open) => setLayout((current) => (current.advancedOpen === open ? current : { ...current, advancedOpen: open }))}
        />
        <ZoneEditor
          zones={settings.zones}
          width={settings.heat_map_settings.params.image_size_h}
          height={settings.heat_map_settings.params.image_size_v}
          onZonesChange={(zones) => setSettings((current) => ({ ...current, zones }))}
          {...(done === null ? {} : { figures: zoneFigures })}
          {...(done?.timeClock === undefined ? {} : { timeClock: done.timeClock })}
          {...(done === null ? {} : { timeZone: shownZoneOf(done.timeClock, invalidKeys.has('output_settings.timezone') ? done.output.timezone : settings.output_settings.timezone) })}
        />
      </aside>
      <Splitter width={sidebarWidth} onResize={(sidebarWidth) => setLayout((current) => ({ ...current, sidebarWidth }))} />
      <main>
        {done !== null && display !== null ? (
          <>
            {outOfDate !== null && (
              <p className="out-of-date" role="status" data-testid="out-of-date">
                {outOfDate}
              </p>
            )}
            {coordinateFinding !== null && (
              <CoordinateSpaceNotice
                finding={coordinateFinding}
                onUse={({ h, v }) => {
                  onChange(settingField('heat_map_settings.image_size_h'), h);
                  onChange(settingField('heat_map_settings.image_size_v'), v);
                  // The run's warning said to set this size: once set, it is no longer news.
                  clearTopic(`${COORDINATE_TOPIC}:image-size-mismatch`);
                  clearTopic(`${COORDINATE_TOPIC}:picture-shape-mismatch`);
                }}
              />
            )}
            <PeriodViews key={done.runId} api={api} run={done} display={display} settings={settings} issueKeys={invalidKeys} onError={onShownError}>
              {(moment) => (
                <Timeline
                  key={done.runId}
                  api={api}
                  run={done}
                  display={display}
                  onOverlayChange={(overlay) => onChange(settingField('output_settings.overlay'), overlay)}
                  onError={onShownError}
                  onFitToData={(max) => onChange(settingField('output_settings.max'), max)}
                  recount={moment.recount}
                  seek={latestSeek(moment.seek, zoneSeek)}
                  timeZone={moment.timeZone}
                />
              )}
            </PeriodViews>
            {zoneFigures.data !== null && <ZoneChart data={zoneFigures.data} onSeek={(frame) => setZoneSeek(newSeek(frame))} />}
          </>
        ) : (
          <div className="empty">
            {running !== null ? (
              <p>Analysing… the progress is at the top right.</p>
            ) : (
            <p>
              Choose a source (or <strong>Open demo</strong>), check the settings, then <strong>Analyse</strong>. Press <kbd>?</kbd> for
              the keyboard shortcuts.
            </p>
            )}
          </div>
        )}
      </main>
      <ul className="messages" aria-live="polite" aria-label="Messages">
        {messages.map((message) => (
          <li key={message.id} className={message.kind}>
            <span>{message.text}</span>
            {message.repeats > 1 && <small className="repeats">×{message.repeats}</small>}
            <button type="button" className="link" aria-label="Dismiss" onClick={() => dismiss(message.id)}>
              ×
            </button>
          </li>
        ))}
      </ul>
      {(dragging || readingDrop) && <DropOverlay reading={readingDrop} />}
      {exporting && done !== null && (
        <FocusTrap>
          <ExportDialog
            api={api}
            host={host}
            runId={done.runId}
            {...(done.video === undefined ? {} : { video: done.video })}
            defaultFolder={settings.output_settings.output_dir}
            zones={settings.zones}
            {...(done.exportable === undefined ? {} : { exportable: done.exportable })}
            {...(exportInitial === undefined ? {} : { initial: exportInitial })}
            onClose={() => {
              setExporting(false);
              setExportInitial(undefined);
            }}
            onInfo={onInfo}
          />
        </FocusTrap>
      )}
      {showingShortcuts && <ShortcutSheet onClose={() => setShowingShortcuts(false)} />}
    </div>
  );
}

/**
 * Inspects the typed metadata and video paths as they are typed (after a pause), with the back
 * end's `inspectFile`: the same reading dropped files get.
 */
import { useEffect, useState } from 'react';
import type { ApiClient } from '../../src-shared/api.js';
import type { Settings } from '../../src-shared/settings/index.js';
import { messageOf } from '../api/client.js';
import { checkedPath, failedPath, PATH_CHECK_DELAY_MS, type PathCheck, type PathRole } from '../logic/path-check.js';

export type PathChecks = Partial<Record<PathRole, PathCheck>>;

/** The latest check of each typed path; a role is absent while its field is empty or the mode is not local. */
export function usePathChecks(api: ApiClient, settings: Settings): PathChecks {
  const local = settings.data_source_settings.mode === 'local';
  const paths = settings.data_source_settings.local_data_settings;
  const metadata = usePathCheck(api, 'metadata', local ? paths.meta_file.trim() : '');
  const video = usePathCheck(api, 'video', local ? paths.video_file.trim() : '');
  return { ...(metadata === null ? {} : { metadata }), ...(video === null ? {} : { video }) };
}

function usePathCheck(api: ApiClient, role: PathRole, path: string): PathCheck | null {
  const [check, setCheck] = useState<PathCheck | null>(null);
  useEffect(() => {
    if (path === '') return;
    let current = true;
    const timer = setTimeout(() => {
      setCheck({ state: 'checking', path });
      api.call('inspectFile', { path }).then(
        (file) => {
          // The back end answers with the absolute path; the check belongs to the text as typed.
          if (current) setCheck({ ...checkedPath(role, file), path });
        },
        (error: unknown) => {
          if (current) setCheck(failedPath(path, messageOf(error)));
        },
      );
    }, PATH_CHECK_DELAY_MS);
    return () => {
      current = false;
      clearTimeout(timer);
    };
  }, [api, role, path]);
  // A check of an earlier text is not shown for the new one.
  return path === '' || check === null || check.path !== path ? null : check;
}

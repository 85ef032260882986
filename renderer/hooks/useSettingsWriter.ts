// Change a setting now (optimistically, in the store) and persist it; the server's answer wins.
import { useCallback } from 'react';
import type { PortholeApi, Settings } from '../../main/core/contract.js';
import type { PortholeStore } from '../state/store.js';

export function useSettingsWriter(api: PortholeApi, store: PortholeStore): (patch: Partial<Settings>) => void {
  return useCallback(
    (patch: Partial<Settings>) => {
      store.patchSettings(patch);
      api.call('setSettings', patch).then(
        (s) => store.replaceSettings(s),
        () => undefined,
      );
    },
    [api, store],
  );
}

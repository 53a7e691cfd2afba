import { useEffect, useState } from 'react';
import { isKnownZone } from '../../shared/time/time-rule.js';
import { useServices } from '../hooks/services.js';

/** Zones offered in the list: the platform's IANA names when it can list them, else a few plant-typical ones. */
const zoneChoices = (): readonly string[] => {
  const listed = typeof Intl.supportedValuesOf === 'function' ? Intl.supportedValuesOf('timeZone') : [];
  return ['UTC', ...(listed.length > 0 ? listed : ['Europe/Berlin', 'Europe/London', 'America/Chicago'])];
};

/**
 * The workspace's display time zone, in the status bar: type or pick an IANA name; it is stored in the workspace
 * once it names a zone (a wrong name is marked and not saved).
 */
export function TimeZoneControl() {
  const { displayZone, setDisplayZone } = useServices();
  const [draft, setDraft] = useState(displayZone);
  useEffect(() => setDraft(displayZone), [displayZone]);
  const valid = isKnownZone(draft.trim());
  const commit = () => {
    const zone = draft.trim();
    if (zone !== displayZone && isKnownZone(zone)) setDisplayZone(zone);
  };
  return (
    <label className="status-zone" title="Times are shown and typed in this zone (stored in the workspace)">
      Time zone{' '}
      <input
        data-testid="display-zone"
        list="display-zone-choices"
        value={draft}
        size={16}
        aria-invalid={!valid}
        onChange={(e) => setDraft(e.target.value)}
        onBlur={commit}
        onKeyDown={(e) => {
          if (e.key === 'Enter') commit();
          if (e.key === 'Escape') setDraft(displayZone);
        }}
      />
      <datalist id="display-zone-choices">
        {zoneChoices().map((zone) => (
          <option key={zone} value={zone} />
        ))}
      </datalist>
    </label>
  );
}

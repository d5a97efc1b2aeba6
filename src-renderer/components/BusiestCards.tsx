/**
 * The two cards of a period view: its busiest moment (the frame with the most people, earliest
 * on ties) and its busiest place (the cell with the highest value). Each is a button: the moment
 * seeks the timeline to its frame in the This-moment view, the place outlines its cell.
 */
import type { PeriodViewData } from '../../src-shared/api.js';
import { formatFigure, localText, personTimeText, unitName, zoneLabel, type PeriodUnit } from '../logic/period.js';

interface BusiestCardsProps {
  moment: PeriodViewData['busiestMoment'];
  place: PeriodViewData['busiestPlace'];
  unit: PeriodUnit;
  timeZone: string;
  onSeek: (frame: number) => void;
  onShowPlace: (cell: { h: number; v: number }) => void;
}

export function BusiestCards({ moment, place, unit, timeZone, onSeek, onShowPlace }: BusiestCardsProps) {
  const when = moment === null ? null : moment.time === null ? null : `${localText(Date.parse(moment.time), timeZone)} ${zoneLabel(timeZone)}`;
  const placeTime = place === null ? null : personTimeText(place.value, unit);
  return (
    <div className="busiest" role="group" aria-label="Busiest moment and place">
      <button type="button" className="card" disabled={moment === null} onClick={() => moment !== null && onSeek(moment.frame)} data-testid="busiest-moment">
        <span className="card-title">Busiest moment</span>
        {moment === null ? (
          <span className="card-value">nobody was seen</span>
        ) : (
          <>
            <span className="card-value" data-testid="busiest-moment-count">
              {moment.count} {moment.count === 1 ? 'person' : 'people'}
            </span>
            <span className="card-detail">
              {when ?? 'no time base'} · frame {formatFigure(moment.frame + 1)} — show it on the timeline
            </span>
          </>
        )}
      </button>
      <button type="button" className="card" disabled={place === null} onClick={() => place !== null && onShowPlace(place)} data-testid="busiest-place">
        <span className="card-title">Busiest place</span>
        {place === null ? (
          <span className="card-value">no heat in this range</span>
        ) : (
          <>
            <span className="card-value" data-testid="busiest-place-value">
              {formatFigure(place.value)} {unitName(unit)}
            </span>
            <span className="card-detail">
              {placeTime !== null && <span data-testid="busiest-place-time">{placeTime} · </span>}
              cell h {place.h}, v {place.v} — outline it on the picture
            </span>
          </>
        )}
      </button>
    </div>
  );
}

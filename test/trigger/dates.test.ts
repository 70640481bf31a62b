/**
 * The trigger's handling of 1fichier dates (`YYYY-MM-DD HH:MM:SS`, Europe/Paris, whole seconds):
 * the listing window and the night in October when an hour repeats.
 */
import {
	formatParisDate,
	isFallBackDay,
	normaliseDate,
	shiftDate,
	windowStart,
} from '../../nodes/OneFichier/api/dates';
import { formatParisDate as simulatorFormat } from '../../simulator';

describe('trigger dates', () => {
	it('formats instants in Paris time like the simulator, winter and summer', () => {
		expect(formatParisDate(Date.UTC(2026, 0, 15, 12, 0, 0))).toBe('2026-01-15 13:00:00');
		expect(formatParisDate(Date.UTC(2026, 6, 15, 12, 0, 0, 999))).toBe('2026-07-15 14:00:00');
		for (const ms of [Date.UTC(2026, 2, 29, 0, 59, 59), Date.UTC(2026, 2, 29, 1, 0, 0), Date.UTC(2026, 9, 25, 0, 30), Date.UTC(2026, 9, 25, 1, 30)]) {
			expect(formatParisDate(ms)).toBe(simulatorFormat(ms));
		}
	});

	it('shifts wall-clock dates across minute, day and year boundaries', () => {
		expect(shiftDate('2026-01-01 00:00:00', -1)).toBe('2025-12-31 23:59:59');
		expect(shiftDate('2026-03-01 00:00:00', -1)).toBe('2026-02-28 23:59:59');
		expect(shiftDate('2026-05-05 10:00:59', 1)).toBe('2026-05-05 10:01:00');
	});

	it('accepts only well-formed dates', () => {
		expect(normaliseDate('2026-05-05 10:00:59')).toBe('2026-05-05 10:00:59');
		expect(normaliseDate('2026-05-05T10:00:59')).toBe('2026-05-05 10:00:59');
		expect(normaliseDate('yesterday')).toBeUndefined();
		expect(normaliseDate(undefined)).toBeUndefined();
	});

	it('finds the autumn night when clocks go back (last Sunday of October)', () => {
		expect(isFallBackDay('2026-10-25 02:30:00')).toBe(true);
		expect(isFallBackDay('2025-10-26 02:30:00')).toBe(true);
		expect(isFallBackDay('2026-10-18 02:30:00')).toBe(false);
		expect(isFallBackDay('2026-03-29 02:30:00')).toBe(false);
	});

	it('starts the next window one second back, or before the repeated hour on that night', () => {
		expect(windowStart('2026-05-05 10:00:00', 1)).toBe('2026-05-05 09:59:59');
		// 02:40 (summer time) may be followed by 02:10 (winter time): the window keeps the whole hour.
		expect(windowStart('2026-10-25 02:40:00', 1)).toBe('2026-10-25 01:59:59');
		expect(windowStart('2026-10-25 03:00:00', 1)).toBe('2026-10-25 02:59:59');
		expect(windowStart('2026-10-18 02:40:00', 1)).toBe('2026-10-18 02:39:59');
	});
});

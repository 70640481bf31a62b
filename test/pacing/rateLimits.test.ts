/**
 * The Rate Limits settings: each has a range, a value outside it is refused before any call with an
 * error naming the setting as the editor shows it, and no value makes a wait endless.
 */
import { OneFichier } from '../../nodes/OneFichier/OneFichier.node';
import { backoffDelay } from '../../nodes/OneFichier/api/retryPolicy';
import { DEFAULT_RATE_LIMITS, RATE_LIMIT_RANGES, rateLimitsFromOptions } from '../../nodes/OneFichier/pacing/rateLimits';
import { runNode } from '../helpers/n8n';
import { useTestSimulator } from '../helpers/simulator';

const sim = useTestSimulator();

describe('rate limit settings', () => {
	it('takes the defaults for unset values and converts seconds', () => {
		expect(rateLimitsFromOptions({})).toEqual(DEFAULT_RATE_LIMITS);
		expect(
			rateLimitsFromOptions({ requestSpacingMs: 800, floodWaitSeconds: 60, maxRetryWaitSeconds: 900, listingSpacingSeconds: 5 }),
		).toEqual({
			spacingMs: 800,
			floodWaitMs: 60_000,
			maxRetryWaitMs: 900_000,
			listingSpacingMs: 5000,
		});
	});

	it.each([
		['requestSpacingMs', -1, 'Request Spacing (Ms)'],
		['requestSpacingMs', 60_001, 'Request Spacing (Ms)'],
		['floodWaitSeconds', 0, 'Flood Wait (Seconds)'],
		['floodWaitSeconds', 3601, 'Flood Wait (Seconds)'],
		['maxRetryWaitSeconds', -5, 'Max Wait on Rate Limits (Seconds)'],
		['maxRetryWaitSeconds', Infinity, 'Max Wait on Rate Limits (Seconds)'],
		['floodWaitSeconds', '30', 'Flood Wait (Seconds)'],
		['listingSpacingSeconds', -1, 'Listing Spacing (Seconds)'],
		['listingSpacingSeconds', 601, 'Listing Spacing (Seconds)'],
	])('refuses %s = %p naming "%s"', (name, value, displayName) => {
		expect(() => rateLimitsFromOptions({ [name]: value })).toThrow(`"Rate Limits → ${displayName}"`);
	});

	it('keeps every back-off finite, whatever the attempt', () => {
		const settings = rateLimitsFromOptions({ floodWaitSeconds: 0.01 });
		for (const attempt of [0, 10, 1023, 1024, 5000]) {
			const flood = backoffDelay('flood', attempt, settings);
			const transient = backoffDelay('retryable', attempt, settings);
			expect(Number.isFinite(flood) && flood > 0).toBe(true);
			expect(Number.isFinite(transient) && transient > 0).toBe(true);
		}
	});

	it('shows the same ranges in the editor as it enforces', () => {
		const option = new OneFichier().description.properties.find((property) => property.name === 'rateLimits')!;
		for (const range of RATE_LIMIT_RANGES) {
			const field = (option.options as Array<{ name: string; displayName: string; typeOptions?: { minValue?: number; maxValue?: number } }>).find(
				(candidate) => candidate.name === range.name,
			)!;
			expect({ displayName: field.displayName, min: field.typeOptions?.minValue, max: field.typeOptions?.maxValue }).toEqual({
				displayName: range.displayName,
				min: range.min,
				max: range.max,
			});
		}
	});

	it('fails a node whose Flood Wait is 0 before any call, naming the setting', async () => {
		const result = await runNode(sim(), { resource: 'folder', operation: 'getMany', folder: { __rl: true, mode: 'id', value: '0' } }, {
			rateLimits: { floodWaitSeconds: 0 },
		});
		expect(result.error?.message).toBe('"Flood Wait (Seconds)" (under Rate Limits) must be a number from 0.01 to 3600; it is 0');
		expect(result.error?.description).toContain('remove it to use the default');
		expect(sim().stats.requests).toBe(0);
	});
});

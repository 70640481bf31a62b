import type { INodeProperties } from 'n8n-workflow';

/**
 * Node-wide pacing settings; their ranges are pacing/rateLimits.ts's RATE_LIMIT_RANGES (a test keeps
 * the two alike). A collection of its own rather than part of each operation's Options: they hold
 * for every operation of the node (and the trigger), are read once per execution, and `rateLimits`
 * is the name saved workflows use. Last in the node, after everything an operation needs.
 */
export const rateLimitsOption: INodeProperties = {
	displayName: 'Rate Limits',
	name: 'rateLimits',
	type: 'collection',
	placeholder: 'Add Rate Limit Setting',
	default: {},
	description:
		'Advanced: how this node paces its calls to 1fichier, whatever the operation. The defaults keep within 1fichier\'s documented limits; raise them if 1fichier still answers "Flood detected", lower them only for a local test server. Calls with one API key wait for each other across every workflow of this n8n installation (in queue mode across the main and worker processes, unless ONEFICHIER_SHARED_RATE_LIMITS=false).',
	options: [
		{
			displayName: 'Request Spacing (Ms)',
			name: 'requestSpacingMs',
			type: 'number',
			typeOptions: { minValue: 0, maxValue: 60000 },
			default: 500, // DEFAULT_RATE_LIMITS.spacingMs (n8n's lint wants literal defaults)
			description:
				'Minimum time between two API calls with this key. 1fichier documents 3 calls/s and locks keys that go faster; about 2/s is safe.',
		},
		{
			displayName: 'Flood Wait (Seconds)',
			name: 'floodWaitSeconds',
			type: 'number',
			typeOptions: { minValue: 0.01, maxValue: 3600, numberPrecision: 2 },
			default: 30, // DEFAULT_RATE_LIMITS.floodWaitMs
			description: 'How long to pause the key after 1fichier answers "Flood detected" or "Locked" (doubles on each repeat)',
		},
		{
			displayName: 'Listing Spacing (Seconds)',
			name: 'listingSpacingSeconds',
			type: 'number',
			typeOptions: { minValue: 0, maxValue: 600, numberPrecision: 2 },
			default: 3, // DEFAULT_RATE_LIMITS.listingSpacingMs
			description:
				'Minimum time between two folder listings with this key, whatever the folder. 1fichier seems to allow one listing every 3 s overall, besides one listing of a given folder per 30 s.',
		},
		{
			displayName: 'Max Wait on Rate Limits (Seconds)',
			name: 'maxRetryWaitSeconds',
			type: 'number',
			typeOptions: { minValue: 0, maxValue: 86400 },
			default: 300, // DEFAULT_RATE_LIMITS.maxRetryWaitMs
			description:
				'Total time one call may wait on rate limits and server errors before the node fails with a "rate-limited" error',
		},
	],
};

export const returnAllOption = (resource: string, operation: string): INodeProperties => ({
	displayName: 'Return All',
	name: 'returnAll',
	type: 'boolean',
	default: false,
	description: 'Whether to return all results or only up to a given limit',
	displayOptions: { show: { resource: [resource], operation: [operation] } },
});

export const limitOption = (resource: string, operation: string): INodeProperties => ({
	displayName: 'Limit',
	name: 'limit',
	type: 'number',
	typeOptions: { minValue: 1 },
	default: 50,
	description: 'Max number of results to return',
	displayOptions: { show: { resource: [resource], operation: [operation], returnAll: [false] } },
});

export function verifyChecksumOption(description: string): INodeProperties {
	return { displayName: 'Verify Checksum', name: 'verifyChecksum', type: 'boolean', default: true, description };
}

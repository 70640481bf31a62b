/**
 * The credential's Test button, run as n8n's credentials tester runs it: the function the nodes
 * name in `testedBy`, called on n8n-core's own CredentialTestContext, against the simulator with
 * each known refusal injected.
 */
import { CredentialTestContext } from 'n8n-core';
import type { ICredentialsDecrypted, ICredentialTestFunctions, ICredentialType, INodeCredentialTestResult } from 'n8n-workflow';

import { OneFichierApi } from '../../credentials/OneFichierApi.credentials';
import { OneFichier } from '../../nodes/OneFichier/OneFichier.node';
import { OneFichierTrigger } from '../../nodes/OneFichierTrigger/OneFichierTrigger.node';
import { REFUSAL_ANSWERS } from '../../simulator';
import type { Simulator } from '../helpers/simulator';
import { resetSimulator, startTestSimulator } from '../helpers/simulator';

const GOOD_KEY = 'GOOD-FAKE-KEY-000000000000000000';
const action = new OneFichier();

async function testCredential(
	apiKey: string,
	baseUrl: string,
	context = new CredentialTestContext() as unknown as ICredentialTestFunctions,
): Promise<INodeCredentialTestResult> {
	const { testedBy } = action.description.credentials![0];
	const test = action.methods.credentialTest[testedBy as 'oneFichierApiTest'];
	const credential = { id: '1', name: '1fichier', type: 'oneFichierApi', data: { apiKey, baseUrl } } as ICredentialsDecrypted;
	return await test.call(context, credential);
}

let sim: Simulator;
beforeAll(async () => {
	sim = await startTestSimulator({ keys: [GOOD_KEY] });
});
beforeEach(() => resetSimulator(sim));
afterAll(async () => await sim.close());

it('is a test function both nodes name, since declarative rules cannot read a 403\'s text', () => {
	// Read through ICredentialType: the class declares no `test`, which is the point.
	expect((new OneFichierApi() as ICredentialType).test).toBeUndefined();
	for (const node of [action, new OneFichierTrigger()]) {
		expect(node.description.credentials).toEqual([{ name: 'oneFichierApi', required: true, testedBy: 'oneFichierApiTest' }]);
		expect(typeof node.methods.credentialTest.oneFichierApiTest).toBe('function');
	}
});

it('lists the root folder, not the heavily limited user/info', async () => {
	expect(await testCredential(GOOD_KEY, sim.baseUrl)).toEqual({ status: 'OK', message: 'Connection tested successfully' });
	expect(sim.stats.byEndpoint).toEqual({ 'folder/ls.cgi': 1 });
});

it('accepts a key pasted with spaces around it or with its "Bearer " prefix', async () => {
	expect((await testCredential(`  Bearer ${GOOD_KEY} \n`, sim.baseUrl)).status).toBe('OK');
});

it('refuses a key with spaces inside without calling 1fichier', async () => {
	const verdict = await testCredential('GOOD-FAKE KEY', sim.baseUrl);
	expect(verdict).toEqual({ status: 'Error', message: 'The "API Key" contains spaces or line breaks inside the key.' });
	expect(sim.stats.requests).toBe(0);
});

it('refuses a wrong key with 1fichier\'s text and advice about the key', async () => {
	const verdict = await testCredential('WRONG-FAKE-KEY-00000000000000000', sim.baseUrl);
	expect(verdict.status).toBe('Error');
	expect(verdict.message).toContain('Not authenticated #247');
	expect(verdict.message).toMatch(/does not know this API key/);
});

// Each refusal on every call: the verdict names the case and does not tell a refused key to wait.
it.each([
	['floodIp', /rate-limiting this key or IP: the key may be fine/],
	['floodUser', /rate-limiting this key or IP/],
	['noSuchUser', /does not know this API key, or it was revoked/],
	['notCustomer', /free account: 1fichier's API needs a Premium or Access subscription/],
	['otherLocation', /in use from another IP address/],
	['vpn', /"Use CDN"/],
	['ownerLocked', /locked the account/],
	['unknown', /^1fichier refused it\. 1fichier answered "Something 1fichier never said before #951" \(HTTP 403\)\.$/],
] as const)('names the %s refusal', async (refusal, advice) => {
	sim.faults.add({ kind: 'refusal', ...REFUSAL_ANSWERS[refusal], match: 'folder/ls.cgi', always: true });
	const verdict = await testCredential(GOOD_KEY, sim.baseUrl);
	expect(verdict.status).toBe('Error');
	expect(verdict.message).toContain(REFUSAL_ANSWERS[refusal].message);
	expect(verdict.message).toMatch(advice);
	if (!refusal.startsWith('flood')) expect(verdict.message).not.toMatch(/wait a few minutes|testing again/i);
	expect(sim.stats.byEndpoint['folder/ls.cgi']).toBe(1);
});

it('names the anti-bot front when an HTML 403 page comes back', async () => {
	sim.faults.add({ kind: 'html403', match: 'folder/ls.cgi' });
	const verdict = await testCredential(GOOD_KEY, sim.baseUrl);
	expect(verdict.message).toMatch(/anti-bot front/);
	expect(verdict.message).not.toMatch(/rate-limit/);
});

it('never shows the key, even when the server echoes it', async () => {
	sim.faults.add({ kind: 'refusal', status: 403, message: `Bad key ${GOOD_KEY} #952`, match: 'folder/ls.cgi' });
	const verdict = await testCredential(GOOD_KEY, sim.baseUrl);
	expect(verdict.message).not.toContain(GOOD_KEY);
	expect(verdict.message).toContain('[redacted]');
});

describe('a plain-HTTP "Base URL"', () => {
	it('is refused by the Test button before anything is sent, naming "Base URL" and what to set', async () => {
		const context = new CredentialTestContext() as unknown as ICredentialTestFunctions;
		const request = jest.spyOn(context.helpers, 'request');
		const verdict = await testCredential(GOOD_KEY, 'http://api.1fichier.invalid/v1', context);
		expect(verdict.status).toBe('Error');
		expect(verdict.message).toMatch(/^The "Base URL" uses plain HTTP \(http:\/\/api\.1fichier\.invalid\): the API key would travel unencrypted\./);
		expect(verdict.message).toContain('"Base URL" to https://api.1fichier.com/v1');
		expect(verdict.message).not.toContain(GOOD_KEY);
		expect(request).not.toHaveBeenCalled();
	});

	it('is refused by the credential\'s authenticate too, which n8n runs for every request made with it', async () => {
		const credential = new OneFichierApi();
		const data = { apiKey: GOOD_KEY, baseUrl: 'http://api.1fichier.com/v1' };
		await expect(credential.authenticate(data, { url: 'http://api.1fichier.com/v1/folder/ls.cgi' })).rejects.toThrow(
			/API key was not sent: the request's URL uses plain HTTP \(http:\/\/api\.1fichier\.com\).*"Base URL"/,
		);
		await expect(credential.authenticate(data, { baseURL: 'http://upload.example.com', url: '/upload.cgi' })).rejects.toThrow(/plain HTTP/);
		const loopback = await credential.authenticate(data, { url: `${sim.baseUrl}/folder/ls.cgi` });
		expect(loopback.headers).toMatchObject({ Authorization: `Bearer ${GOOD_KEY}` });
		const secure = await credential.authenticate(data, { url: 'https://api.1fichier.com/v1/folder/ls.cgi' });
		expect(secure.headers).toMatchObject({ Authorization: `Bearer ${GOOD_KEY}` });
	});
});

/**
 * The credential's Test button, evaluated as n8n's credentials tester does (send the declared test
 * request with the credential's authentication, then apply its rules), against the simulator.
 */
import { OneFichierApi } from '../../credentials/OneFichierApi.credentials';
import type { Simulator } from '../helpers/simulator';
import { startTestSimulator } from '../helpers/simulator';

const credential = new OneFichierApi();

interface Rule {
	type: 'responseCode' | 'responseSuccessBody';
	properties: { value: unknown; message: string; key?: string };
}

/** Returns n8n's verdict: OK, or the message of the first rule that matches. */
async function testCredential(apiKey: string, baseUrl: string): Promise<{ status: 'OK' | 'Error'; message: string }> {
	const request = credential.test.request;
	const resolvedBase = baseUrl.replace(/\/+$/, '');
	const headers: Record<string, string> = { 'Content-Type': 'application/json' };
	for (const [name, value] of Object.entries(credential.authenticate.properties.headers ?? {})) {
		headers[name] = String(value).replace(/^=/, '').replace('{{$credentials.apiKey}}', apiKey);
	}
	const response = await fetch(`${resolvedBase}${request.url}`, {
		method: request.method,
		headers,
		body: JSON.stringify(request.body),
	});
	const rules = credential.test.rules as unknown as Rule[];
	const body = (await response.json().catch(() => ({}))) as Record<string, unknown>;
	if (!response.ok) {
		const rule = rules.find((r) => r.type === 'responseCode' && r.properties.value === response.status);
		return { status: 'Error', message: rule?.properties.message ?? `HTTP ${response.status}` };
	}
	const rule = rules.find((r) => r.type === 'responseSuccessBody' && body[r.properties.key!] === r.properties.value);
	return rule ? { status: 'Error', message: rule.properties.message } : { status: 'OK', message: 'Connection tested successfully' };
}

let sim: Simulator;
beforeAll(async () => {
	sim = await startTestSimulator({ keys: ['GOOD-FAKE-KEY-000000000000000000', 'FLOODED-FAKE-KEY-000000000000000'] });
});
afterAll(async () => await sim.close());

it('uses a real, cheap endpoint rather than the heavily limited user/info', () => {
	expect(credential.test.request.url).toBe('/folder/ls.cgi');
	expect(credential.test.request.method).toBe('POST');
});

it('accepts a good key', async () => {
	expect(await testCredential('GOOD-FAKE-KEY-000000000000000000', sim.baseUrl)).toEqual({
		status: 'OK',
		message: 'Connection tested successfully',
	});
});

it('refuses a wrong key with a message about the key', async () => {
	const verdict = await testCredential('WRONG-FAKE-KEY-00000000000000000', sim.baseUrl);
	expect(verdict.status).toBe('Error');
	expect(verdict.message).toMatch(/refused the API key/);
});

it('tells a rate-limited key apart from a wrong one', async () => {
	sim.faults.add({ kind: 'flood', match: 'folder/ls.cgi' });
	const verdict = await testCredential('FLOODED-FAKE-KEY-000000000000000', sim.baseUrl);
	expect(verdict.status).toBe('Error');
	expect(verdict.message).toMatch(/rate-limiting/);
	expect(verdict.message).not.toMatch(/refused the API key/);
});

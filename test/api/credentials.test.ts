/**
 * The credential's "Base URL": the API key travels in a header on every call, so it is sent only
 * over https, or over plain http to this machine (the simulator). The node refuses any other base
 * URL before a single request is prepared.
 */
import { OneFichierApi } from '../../credentials/OneFichierApi.credentials';
import { baseUrlProblem } from '../../nodes/OneFichier/api/credentials';
import { runNodeWith } from '../helpers/n8n';

const FAKE_KEY = 'FAKE-KEY-NOT-A-SECRET-00000000000';

describe('baseUrlProblem', () => {
	it.each([
		'https://api.1fichier.com/v1',
		'https://api.1fichier.com:8443/v1',
		'http://127.0.0.1:8765/v1',
		'http://127.45.6.7/v1',
		'http://127.1:8765/v1',
		'http://localhost:8765/v1',
		'http://LOCALHOST/v1',
		'http://[::1]:8765/v1',
	])('accepts %s', (url) => {
		expect(baseUrlProblem(url)).toBeUndefined();
	});

	it.each([
		['http://api.1fichier.com/v1', /plain HTTP \(http:\/\/api\.1fichier\.com\)/],
		['http://192.168.1.10:8765/v1', /plain HTTP/],
		['http://10.0.0.1/v1', /plain HTTP/],
		['http://127.0.0.1.example.com/v1', /plain HTTP/],
		['http://localhost.example.com/v1', /plain HTTP/],
		['http://128.0.0.1/v1', /plain HTTP/],
		['http://[::2]/v1', /plain HTTP/],
		['ftp://api.1fichier.com/v1', /must start with https:\/\//],
		['api.1fichier.com/v1', /is not a URL/],
	])('refuses %s', (url, problem) => {
		expect(baseUrlProblem(url)).toMatch(problem);
	});
});

describe('the node with a plain-HTTP "Base URL"', () => {
	it('fails before any request, naming "Base URL" and what to set', async () => {
		const authenticate = jest.spyOn(OneFichierApi.prototype, 'authenticate');
		const result = await runNodeWith(
			{ apiKey: FAKE_KEY, baseUrl: 'http://api.1fichier.invalid/v1' },
			{ resource: 'folder', operation: 'getMany', folder: { __rl: true, mode: 'id', value: '0' } },
		);
		expect(result.error?.name).toBe('NodeOperationError');
		expect(result.error?.message).toBe(
			'The 1fichier credential\'s "Base URL" uses plain HTTP (http://api.1fichier.invalid): the API key would travel unencrypted',
		);
		expect(result.error?.description).toContain('Set the 1fichier credential\'s "Base URL" to https://api.1fichier.com/v1');
		expect(result.error?.description).toContain('localhost, 127.0.0.1 or ::1');
		expect(JSON.stringify(result.error)).not.toContain(FAKE_KEY);
		// No request was even prepared: n8n calls the credential's authenticate for each one.
		expect(authenticate).not.toHaveBeenCalled();
		authenticate.mockRestore();
	});
});

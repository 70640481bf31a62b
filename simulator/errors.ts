/** A refusal that becomes a `{"status":"KO","message":…}` answer with the given HTTP status. */
export class KoError extends Error {
	constructor(
		message: string,
		readonly httpStatus = 200,
	) {
		super(message);
		this.name = 'KoError';
	}
}

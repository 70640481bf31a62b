/**
 * KO message texts. Texts seen in real answers come from §4 of 1fichier-api.md (their `#n` is
 * opaque, §1). Where the reference has no real text (§7 open question 2), the simulator uses a
 * plain description with a number of 900 or more, so nobody mistakes it for a real code.
 */
export const REAL = {
	notAuthenticated: 'Not authenticated #247',
	flood: 'Flood detected: IP Locked #374',
	userInfoFlood: 'Flood detected: IP Locked #38',
	notFound: 'Resource not found #469',
	notAllowed: 'Resource not allowed #631',
	passwordNotProvided: 'Resource not allowed: Password not provided. #631',
	invalidPassword: 'Resource not allowed: Invalid password. #631',
	noFileRenamed: 'No file has been renamed #312',
	mustBeCustomer: 'Must be a customer (Premium, Access) #200',
	userLocked: 'Flood detected: User Locked #218',
	noSuchUser: 'No such user #93',
	otherLocation: 'Only 1 location allowed at a time #887',
	ownerLocked: 'Owner locked #649',
} as const;

/**
 * Every refusal of §4, as the `refusal` fault answers it (`{ kind: 'refusal', ...REFUSAL_ANSWERS.notCustomer }`).
 * §4 leaves most HTTP codes open; rclone says 1fichier uses 403 for all kinds of errors, so 403 it is.
 * Texts are real except where marked: only fragments of those are known.
 */
export const REFUSAL_ANSWERS = {
	floodIp: { status: 403, message: REAL.flood },
	floodUser: { status: 403, message: REAL.userLocked },
	// JD's regex accepts it; no full answer was ever quoted.
	floodUserApk: { status: 403, message: 'Flood detected: User APK Locked #218' },
	// plowshare got a bare `IP Locked` body.
	ipLocked: { status: 403, message: 'IP Locked' },
	notAuthenticated: { status: 401, message: REAL.notAuthenticated },
	noSuchUser: { status: 403, message: REAL.noSuchUser },
	notCustomer: { status: 403, message: REAL.mustBeCustomer },
	notAllowed: { status: 403, message: REAL.notAllowed },
	passwordMissing: { status: 403, message: REAL.passwordNotProvided },
	passwordInvalid: { status: 403, message: REAL.invalidPassword },
	otherLocation: { status: 403, message: REAL.otherLocation },
	// Only the fragment "professional equipment, must have CDN" is known (JD errorVPNUsed).
	vpn: { status: 403, message: 'Access from professional equipment, must have CDN #950' },
	ownerLocked: { status: 403, message: REAL.ownerLocked },
	notFound: { status: 404, message: REAL.notFound },
	// A text nobody has seen: the client must report it, not wait it out.
	unknown: { status: 403, message: 'Something 1fichier never said before #951' },
} as const;

export const INVENTED = {
	methodNotAllowed: 'Invalid request method, POST expected #901',
	invalidJson: 'Invalid JSON body #902',
	missingParameter: (name: string) => `Missing parameter ${name} #903`,
	invalidParameter: (name: string) => `Invalid parameter ${name} #904`,
	folderDoesNotExist: 'Folder does not exist #905',
	folderNotEmpty: 'Folder not empty #906',
	folderAlreadyExists: 'A folder with this name already exists here #907',
	invalidName: (problem: string) => `Invalid name (${problem}) #908`,
	rootCannotChange: 'Root folder cannot be changed #909',
	folderIntoItself: 'Cannot move a folder into itself or its sub-folders #910',
	renameOneFileOnly: 'rename is only allowed with one url #911',
	sameName: 'New name is the same as the current name #912',
	passwordTooShort: 'Password must have at least 6 characters #913',
	nameTooLong: 'Name too long (250 characters max) #914',
	remoteJobNotFound: 'Remote upload request not found #915',
	bodyTooLarge: 'Request body too large #916',
} as const;

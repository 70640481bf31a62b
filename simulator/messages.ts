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

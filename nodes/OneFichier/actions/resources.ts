import type { Resource } from './types';
import { account } from './account/Account.resource';
import { file } from './file/File.resource';
import { folder } from './folder/Folder.resource';
import { remoteUpload } from './remoteUpload/RemoteUpload.resource';

export const resources: Record<string, Resource> = { file, folder, remoteUpload, account };

/**
 * Settings that only make sense against a local 1fichier simulator (the credential's Base URL, the
 * listing intervals below 1fichier's 30 s) stay out of the editor: a user who lowers them gets the
 * API key locked. They show up where a saved workflow or credential already holds a value, or when
 * n8n runs with ONEFICHIER_TEST_SETTINGS=true (the package's own test stacks do).
 *
 * n8n drops at run time (and when the editor saves) every parameter its `displayOptions` hide
 * (n8n-workflow's NodeHelpers.getNodeParameters, called by the Workflow constructor and by the
 * CredentialsHelper; the editor's credential modal saves through it too). So the condition that
 * hides one of these settings is written on the setting's own value: hidden while unset (or left at
 * its default), shown, saved and honoured as soon as it holds a value. A saved value therefore
 * keeps working whatever the switch says, on every process of the installation.
 */
import type { INodeProperties, NodeParameterValue } from 'n8n-workflow';

import type { Environment } from './n8nSettings';
import { booleanSetting, processEnvironment } from './n8nSettings';

export const TEST_SETTINGS_SWITCH = 'ONEFICHIER_TEST_SETTINGS';

export function testSettingsShown(env: Environment = processEnvironment()): boolean {
	return booleanSetting(env, TEST_SETTINGS_SWITCH, false);
}

/**
 * An option of a collection (Options) kept off the "Add Option" list: inside a collection an option
 * the user has not added has no value, so "shown when it exists" hides it there and nowhere else.
 */
export function testOnlyOption(option: INodeProperties, env?: Environment): INodeProperties {
	if (testSettingsShown(env)) return option;
	return { ...option, displayOptions: { show: { [option.name]: [{ _cnd: { exists: true } }] } } };
}

/**
 * A top-level field (the credential's Base URL). Top-level fields always carry their default when
 * n8n decides what to show, so it is hidden while it holds the default, shown when it holds another.
 */
export function testOnlyField(field: INodeProperties, env?: Environment): INodeProperties {
	if (testSettingsShown(env)) return field;
	return { ...field, displayOptions: { show: { [field.name]: [{ _cnd: { not: field.default as NodeParameterValue } }] } } };
}

// Picking an option of a Mantine Select the way a person does: open it, click the option.
import { screen } from '@testing-library/react';
import type { UserEvent } from '@testing-library/user-event';

export async function choose(user: UserEvent, label: string | RegExp, option: string | RegExp) {
  await user.click(screen.getByRole('combobox', { name: label }));
  // The dropdown is still in its opening transition for jsdom, so its options count as hidden.
  await user.click(await screen.findByRole('option', { name: option, hidden: true }));
}

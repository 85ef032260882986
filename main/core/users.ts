// uid -> user name. /etc/passwd covers local users without spawning `id` per uid; directory
// users (LDAP, sssd) fall back to the number, which is still true, just less friendly.
import { readFileSync } from 'node:fs';
import os from 'node:os';

let passwd: Map<number, string> | undefined;

export function parsePasswd(text: string): Map<number, string> {
  const users = new Map<number, string>();
  for (const line of text.split('\n')) {
    const [name, , uid] = line.split(':');
    if (name && uid && /^\d+$/.test(uid) && !users.has(Number(uid))) users.set(Number(uid), name);
  }
  return users;
}

export function userName(uid: number): string {
  if (!passwd) {
    try {
      passwd = parsePasswd(readFileSync('/etc/passwd', 'utf8'));
    } catch {
      passwd = new Map();
    }
    try {
      const me = os.userInfo();
      if (me.uid >= 0) passwd.set(me.uid, me.username);
    } catch {
      // No passwd entry for this uid (containers): the number will do.
    }
  }
  return passwd.get(uid) ?? String(uid);
}

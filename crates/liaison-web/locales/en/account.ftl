# A user's own account: the password and API tokens.

nav-account = Account
account-title = Your account

password-title = Change your password
password-forced = The password you signed in with was good for this one sign-in. Choose your own password now to go on.
password-current = Current password
password-new = New password
password-repeat = New password again
password-save = Save the new password
password-current-wrong = The current password is wrong.
password-mismatch = The two new passwords are not the same.
password-problem-too-short = Use at least 10 characters.
password-problem-is-username = The password cannot be the username.

token-title = API tokens
token-intro = A script or another program uses the API with a token, acting with your permissions. A token lasts the days you choose and can be revoked at any time; a password reset or a disabled account ends every token.
token-new-title = Your new token
token-new-once = Copy this token into your script now: for your safety it is shown only this once. Send it as the header Authorization: Bearer TOKEN.
token-value = API token
token-name = Name
token-name-hint = So you recognise it later, such as "nightly export".
token-days = Lasts
token-days-option = { $days } days
token-create = Make a token
token-yours = Your tokens
token-none = You have no API tokens yet.
token-created = Made on
token-expires = Expires on
token-last-used = Last used
token-state = State
token-state-active = Active
token-state-expired = Expired
token-state-revoked = Revoked
token-revoke = Revoke
token-never = Never
token-problem-name = Give the token a name of at most 100 characters.
token-problem-days = A token lasts from 1 to 366 days.

# Every word Exotel Agent Tray shows an agent: the tray, notifications, the window and the
# command line render these (crates/agent-core/src/words.rs). One message per id; hi.ftl holds
# the same ids in Hindi. Names (Exotel, Exotel Agent Tray) and numbers stay as they are.

## The status

status-offline = Offline: no new calls
status-phone = Receiving calls on phone
status-sip = Receiving calls on computer
status-unknown = Status unknown
short-offline = Offline
short-phone = Phone
short-sip = Computer
short-unknown = Unknown
# What a change asks for, inside a sentence.
target-offline = offline
target-phone = receiving calls on phone
target-sip = receiving calls on computer
# The device that comes back when the agent returns.
device-phone = calls on your phone
device-sip = calls on your computer

## Where a change came from

source-tray = from the tray
source-window = from the window
source-shortcut = by the keyboard shortcut
source-cli = from the command line
source-timer = by the break timer
source-quit = on quit
source-lock = on screen lock
source-sleep = on sleep
source-idle = after a while without input
source-sync = changed elsewhere
source-start = at start-up
source-sign_in = at sign-in

## Lines about the status (tray, tooltip, window)

line-signed-out = Signed out
line-switching = Switching: { $target }…
line-switching-to = { $status } (switching to { $target }…)
line-break = On a break: { $left } left
line-parked = Offline while you are away ({ $device } again when you return)
line-unknown-error = Status unknown (see the window)
line-limited = Exotel is limiting requests; trying again in { $seconds } s
line-going-offline = Going offline: not confirmed yet, trying again in { $seconds } s
time-seconds = { $n } s
time-minutes = { $n } min
time-hours = { $h } h { $m } min
# How long the agent has been in the current state, and when Exotel last said so.
since-offline = Offline for { $duration }
since-phone = On phone for { $duration }
since-sip = On computer for { $duration }
confirmed-at = Confirmed by Exotel at { $time }
# Reads have failed for more than two sync intervals: what is shown may no longer be true.
line-stale = Not confirmed since { $time }; last known: { $status }
tooltip-exotel = Exotel: { $line }
tooltip-sandbox = Sandbox (not Exotel): { $line }
tooltip-named = { $line } ({ $name })
user-id = user { $id }

## The tray menu

menu-phone = Receive calls on phone
menu-sip = Receive calls on computer
menu-offline = Go offline
menu-break = Take a break
menu-break-length = { $minutes } minutes
menu-end-break = End break
menu-end-break-left = End break ({ $left } left)
menu-open = Open Exotel Agent Tray
menu-sign-in = Sign in…
menu-quit = Quit
menu-quit-anyway-phone = Quit anyway (calls may still ring on phone)
menu-quit-anyway-sip = Quit anyway (calls may still ring on the computer)
menu-quit-anyway-unknown = Quit anyway (calls may still ring)
line-quit-waiting = Quitting once Exotel confirms you are offline
menu-quiet = Quiet for 1 hour
# What the desktop shows for the app's global shortcut (Wayland's shortcuts portal).
shortcut-description = Go offline, or back to the device used last
menu-quiet-end = Notify again (quiet until { $time })

## Notifications

notice-sandbox = Sandbox (not Exotel): { $title }
notice-now = Now { $status }
notice-now-body = { $status }, { $source }.
notice-failed = Could not switch to { $target }
notice-failed-any = Could not change your status
notice-failed-body = { $error }. { $still }.
notice-failed-unknown = The change failed
still-offline = Exotel still has you offline
still-phone = Calls still ring on your phone
still-sip = Calls still ring on your computer
still-unknown = Your status is unknown: check it in the window
notice-break-over = Break over
notice-break-over-body = You are away, so you stay offline: { $device } again when you return.
notice-going-offline = Going offline: not confirmed yet
notice-going-offline-body = { $still }: Exotel has not confirmed that you are offline. { $error }. The app keeps trying until it does.
notice-quit-failed = Quit without going offline
notice-quit-waiting = Not quitting yet: going offline is not confirmed
notice-quit-waiting-body = { $error }. The app keeps trying and quits as soon as Exotel confirms you are offline. To quit now, choose “Quit anyway” in the tray menu.
notice-quit-failed-body = { $error }. You may still be receiving calls: go offline in Exotel if you are leaving.
notice-last-quit-failed = When you last quit, going offline failed
notice-last-quit-failed-body = Exotel may have kept you on: it last said { $status }. Check your status now.
notice-panic = Something went wrong inside the app
notice-panic-body = The app carries on. Exotel last confirmed: { $status }.
notice-restart = Restart Exotel Agent Tray
notice-restart-body = It was updated while running: quit it and start it again to open its window.

## What each kind of error means (the detail after it says what happened)

kind-unauthorized = Exotel refused the app's token.
kind-bad_credentials = Wrong app id or app secret.
kind-invalid = Exotel rejected the request.
kind-not_found = Exotel does not know this user.
kind-rate_limited = Exotel is limiting requests.
kind-server = Exotel had a problem on its side.
kind-network = No connection to Exotel.
kind-timeout = Exotel did not answer in time.
kind-malformed = Exotel's reply could not be read.
kind-unconfirmed = Exotel did not confirm the change.
kind-not_signed_in = You are signed out.
kind-keyring = The system keyring is not available.
kind-keyring_locked = The system keyring is locked.
kind-invalid_input = Please check what you typed.
kind-settings = The settings file could not be saved.
kind-internal = Something went wrong inside the app.
kind-starting = The app is still starting.
kind-sandbox = The sandbox could not be started.
kind-enforced = Set by your organisation.

## What happened and what to do, for each error: the detail after its kind's words. Arguments
## are values (a status code, seconds, a host, what was typed) or Exotel's own words, quoted.

error-host-empty = The host is empty: enter an address such as { $example }.
error-host-not-url = “{ $input }” is not a web address: enter one such as { $example }.
error-host-not-https = “{ $input }” does not use https: Exotel hosts start with https:// (plain http only for an address on this computer, such as 127.0.0.1).
error-host-extras = “{ $input }” must be only a host, with no path, query, user name or password.
error-app-id-empty = The app id is empty: copy it from Exotel's app settings.
error-secret-empty = The app secret is empty: copy it from Exotel's app settings.
error-user-id-empty = The user id is empty: enter the agent's user id in the app.
error-user-id-control = The user id holds characters that cannot be typed: enter it again.
error-secret-unreadable = The app secret could not be read: type it again.
error-secret-no-terminal = There is no terminal to ask for the app secret on: pass it on standard input with --secret-stdin.
error-set-usage = --set takes name=value, not “{ $input }”.
error-no-such-setting = There is no setting called “{ $name }”.
error-setting-wrong-kind = A setting has a value of the wrong kind.
error-break-length = A break lasts between 1 second and { $hours } hours.
error-installing-update = An update is being installed, so you stay offline until the app starts again.
error-request-unreadable = The window sent a request the app could not read. Restart the app if this keeps happening.
error-bad-credentials = The app id or app secret is wrong: Exotel refused to issue a token. Check both and sign in again.
error-unauthorized = Exotel refused the app's token. Sign in again.
error-invalid = Exotel rejected the request as invalid.
error-not-found = Exotel does not know this user. Check the user id.
error-rate-limited = Exotel is limiting requests. Try again in a minute.
error-rate-limited-seconds = Exotel is limiting requests. Try again in { $seconds } s.
error-server = Exotel had a server error (HTTP { $status }).
error-network = Could not reach Exotel: { $cause }.
error-network-host = Could not reach Exotel at { $host }: { $cause }.
error-timeout = Exotel did not answer in time. Check the network connection and try again.
error-malformed = Exotel sent a reply that could not be read (HTTP { $status }).
error-account-changed = This account was signed out or replaced by another sign-in. Nothing was sent to Exotel.
error-unconfirmed = Exotel did not confirm that you are { $target }. Your status is unknown until it does. Try again.
error-not-signed-in = You are not signed in. Sign in first: exotel-agent login, or the app's window.
error-secret-missing = The app secret is no longer in the system keyring. Sign in again.
error-keyring-locked = The system keyring is locked. Unlock it (for example by logging in to the desktop again) and try again.
error-keyring-unavailable = No system keyring is available. Start one (on Linux, GNOME Keyring or KeePassXC) and try again.
error-keyring-failed = The system keyring refused the request. Try again; if it keeps failing, restart the keyring.
error-settings = The settings could not be read or saved. Check that your home folder has free space and can be written to.
error-stopped = The app's status service stopped. Restart the app.
error-starting = The app is still starting. Try again in a moment.
error-enforced = The setting { $setting } is set by your organisation and cannot be changed here.
error-sandbox = The sandbox could not be started. Restart the app and try again.
error-internal = Something went wrong inside the app. The request was not completed.
todo-try-in-a-minute = Try again in a minute.
todo-check-network = Check the network connection and the host.
# Exotel's own words, as it wrote them.
exotel-said = Exotel said: “{ $said }”.
# Why a request did not get through (after "Could not reach Exotel:").
net-dns = the host's name could not be found
net-refused = the connection was refused
net-tls = a secure connection could not be made
net-dropped = the connection was dropped
net-other = the network did not carry the request
# What a reply that could not be read was.
reply-empty = The reply was empty.
reply-json = The reply was { $json }, not Exotel's reply.
reply-html = The reply was a web page, not Exotel's reply.
reply-html-titled = The reply was a web page titled “{ $title }”, not Exotel's reply.
reply-not-json = The reply was { $bytes } bytes that could not be read.
reply-too-large = The reply was larger than { $kib } KiB.
reply-no-data = The reply held no data.
reply-data-wrong = The reply's data was { $json }, not what Exotel sends.
reply-token-empty = The token in the reply was empty.
json-null = an empty value
json-bool = a yes or no
json-number = a number
json-string = a piece of text
json-list = a list
json-object = an object
# Why quitting did not wait for offline.
quit-exotel-reports = Exotel reports: { $status }.
quit-not-confirmed = Exotel did not confirm within { $seconds } s.

## Recent changes

change-confirmed = { $from } → { $to }, { $source }
change-confirmed-after = { $from } → { $to }, { $source }, after { $attempts } attempts
change-failed = { $target } asked { $source }: not done, { $reason } ({ $still })

# Why a change was not done, inside the line of a failed change.
reason-unauthorized = Exotel refused the app's token
reason-bad_credentials = the app id or secret was wrong
reason-invalid = Exotel rejected the request
reason-not_found = Exotel did not know this user
reason-rate_limited = Exotel was limiting requests
reason-server = Exotel had a problem
reason-network = no connection to Exotel
reason-timeout = Exotel did not answer in time
reason-malformed = Exotel's reply could not be read
reason-unconfirmed = Exotel did not confirm it
reason-not_signed_in = you were signed out
reason-keyring = the system keyring was not available
reason-keyring_locked = the system keyring was locked
reason-invalid_input = the request was not valid
reason-settings = the settings could not be saved
reason-internal = something went wrong inside the app
reason-starting = the app was still starting
reason-sandbox = the sandbox could not be started
reason-enforced = your organisation does not allow it
reason-none = the reason was not recorded
change-still = still { $status }
change-still-unknown = status unknown
# A change's time on the day it is read; earlier days are "27/11 10:42".
time-today = today { $time }

## The window

window-title = Exotel Agent Tray
window-sandbox-badge = Sandbox: not Exotel
window-sign-in-title = Sign in
window-first-run-choices = Choose where calls reach you: on your phone, on this computer (the web or a softphone), or nowhere (offline: no new calls).
window-first-run-credentials = The app id and secret come from your Exotel dashboard (the app's settings; ask your admin), your user id from Exotel's list of users.
window-sign-in-hint = Use your Exotel app's id and secret and your user id in that app. The secret is kept in the system keyring, never in a file.
window-host = Exotel host
window-host-custom = Custom host…
window-preset = Set by your IT admin.
window-app-id = App id
window-secret = App secret
window-user-id = User id
window-sign-in = Sign in
window-try-sandbox = Try the sandbox
window-sandbox-hint = No Exotel account? "Try the sandbox" starts a pretend Exotel on this computer so you can try every feature.
window-your-status = Your status
window-receive-calls = Receive calls
window-break-left = On a break: { $left } left. Calls come back on your last device at the end.
window-take-break = Take a break:
window-break-length = { $minutes } min
window-end-break = End break
window-recent = Recent changes
window-no-changes = No changes yet.
window-history = Full history
window-settings = Settings
window-pref-offline_on_quit = Go offline when I quit the app
window-pref-offline_on_lock = Go offline when the screen locks
window-pref-offline_on_sleep = Go offline when the computer sleeps
window-pref-offline_when_idle = Go offline after a while without keyboard or mouse input
window-pref-idle_minutes = Minutes without input (1 to 120)
window-pref-restore_on_return = Turn calls back on when I return (if I changed nothing meanwhile)
window-pref-sync_interval_secs = Check Exotel every (seconds)
window-pref-shortcut = Shortcut: offline / last device
window-pref-start_at_login = Start at login (in the tray)
window-pref-language = Language
window-notifications = Notifications
window-pref-notify_mine = Notify the changes I make
window-pref-notify_elsewhere = Notify changes made elsewhere or by the app (breaks, screen lock, idle)
window-pref-notify_failures = Notify when a change fails
window-failures-off = With this off, nothing tells you when a change fails: calls may ring where you do not expect them.
window-quiet = Quiet for 1 hour
window-quiet-end = Notify again
quiet-until = Notifications of changes are quiet until { $time } (failures are still shown)
window-language-auto = As the system ({ $lang })
window-save-settings = Save settings
window-enforced = Set by your organisation
window-saved = Saved.
window-sandbox-note = You are in the sandbox, a pretend Exotel on this computer: nothing here changes your real Exotel status or your history. "Leave the sandbox" takes you back to your account.
window-sign-out = Sign out
window-leave-sandbox = Leave the sandbox
window-quit = Quit the app
window-shortcut-error = The shortcut { $shortcut } could not be registered: another app may hold it. Choose another.
window-shortcut-wayland = This Wayland desktop does not let apps take a global shortcut, so { $shortcut } does nothing here. Set one in the desktop's keyboard settings that runs: exotel-agent off
window-autostart-error = Start at login could not be changed. Try again; the app's log says why.

## On this computer: each protection the app leans on, whether it works here, and what to do

desk-lock = Screen lock
desk-sleep = Sleep
desk-idle = Time without input
desk-tray = Tray icon
desk-notifications = Notifications
desk-keyring = System keyring
desk-shortcut = Global shortcut
desk-checking = Checking…
desk-works = Works, through { $via }
desk-locked = Locked
desk-missing = Not available on this computer
desk-problem-lock = Screen lock cannot be detected on this desktop: locking will not take you offline.
desk-problem-sleep = Sleep cannot be detected on this computer: going to sleep will not take you offline.
desk-problem-idle = Time without input cannot be read on this desktop: being away will not take you offline.
desk-problem-tray = This desktop shows no tray: the app's icon and menu are not shown.
desk-problem-notifications = This desktop shows no notifications: changes and failures are not notified.
desk-problem-keyring = The system keyring is not available: the app cannot read your secret, so it cannot reach Exotel.
desk-problem-keyring-locked = The system keyring is locked: the app cannot read your secret until it is unlocked.
desk-problem-shortcut = The global shortcut cannot work on this desktop.
desk-hint-lock = Lock with a locker that tells the system (loginctl lock-session), turn on “Go offline after a while without keyboard or mouse input”, or go offline yourself before you leave.
desk-hint-sleep = Go offline yourself before the computer sleeps.
desk-hint-idle = Use a GNOME, KDE or X11 session, or go offline yourself before you leave.
desk-hint-tray = Add a tray to the desktop (on GNOME, the AppIndicator extension). Until then, open the window with: exotel-agent-tray --show
desk-hint-notifications = Start the desktop's notification service. Until then, watch the status in the window or the tray.
desk-hint-keyring = Start the desktop's keyring (GNOME Keyring or KWallet), then sign in again.
desk-hint-keyring-locked = Unlock the keyring: sign in to the desktop with your password, or open the desktop's passwords app.
desk-hint-shortcut = Set one in the desktop's keyboard settings that runs: exotel-agent off
desk-what-to-do = What to do: { $hint }
desk-more = and { $count } more: see “On this computer” in the window
notice-desk = Cannot work on this computer: { $protection }
window-desk = On this computer

## The window, when the tray app cannot answer it

link-gone = The tray app has ended: start Exotel Agent Tray again.
link-unanswered = The tray app did not answer. Check the status in the tray before trying again.

## The command line (its --json output stays in English)

cli-secret-prompt = App secret (not shown):
cli-signed-in = Signed in as { $user } on { $host }. { $status }
cli-signed-out = Signed out: the app secret and token were removed from the system keyring.
cli-no-changes = No changes yet.
cli-last-confirmed = Exotel last confirmed: { $status }.
cli-none-confirmed = Exotel has confirmed no status in this run.
cli-doctor-exotel = Exotel at { $host } answered (TLS: { $tls }).
cli-doctor-unreachable = Exotel at { $host } cannot be reached. { $error }
cli-doctor-tls-verified = verified
cli-doctor-tls-not-used = not used, a sandbox on this computer over http
cli-doctor-tls-refused = the certificate was not accepted
cli-doctor-tls-not-reached = not reached
# Why a host could not be reached, as doctor says it.
net-cause = The reason: { $cause }.
cli-doctor-clock = Exotel's clock is { $skew } s from this computer's.
cli-doctor-proxy = Proxy: { $proxy }
cli-doctor-no-proxy = Proxy: none
cli-doctor-signed-out = Not signed in.
cli-doctor-token = The kept token was minted { $minutes } min ago.
cli-doctor-rate = Rate limit: { $remaining } of { $limit } reads left in this window.
cli-doctor-account-error = The account could not be checked. { $error }
cli-settings-enforced = { $name } = { $value }  (set by your organisation: { $origin })
cli-settings-own = { $name } = { $value }  (your choice)
cli-settings-default = { $name } = { $value }  (your organisation's default: { $origin })
cli-settings-built-in = { $name } = { $value }  (the app's default)
cli-settings-problem = Ignored: { $problem }
cli-doctor-version = exotel-agent { $version } on { $os } ({ $arch })

## Updates

update-up-to-date = Exotel Agent Tray { $version } is up to date.
update-ready = Version { $version } is ready: install and restart.
update-ready-cli = Version { $version } is ready (this is { $current }): install and restart from the app's tray menu or window.
update-off = Updates are turned off by your organisation: it installs new versions itself.
update-error-unreachable = The update channel at { $host } could not be reached: { $cause }. Try again later.
update-error-timeout = The update channel did not answer in time. Try again later.
update-error-status = The update channel answered HTTP { $status }: there is no update information there. Tell your IT team.
update-error-unreadable = The update channel's reply is not update information (a web page, or something else). Tell your IT team.
update-error-no-build = The update channel has no version for this computer ({ $platform }).
update-error-bad-signature = The update's signature is not the app's: it was not installed. Tell your IT team.
update-error-install = The update could not be installed; this version keeps running. Try again later.
update-not-checked = This is version { $current }. The app looks for a new version a while after it starts, then once a day.
update-checking = Looking for a new version…
update-up-to-date-at = Version { $current } is the latest (looked { $time }).
update-ready-ask = Version { $version } is downloaded and checked (this is { $current }). Install it when you have a moment: you go offline first, then the app restarts.
update-ready-at-quit = Version { $version } is downloaded and checked (this is { $current }): it installs when you quit the app, after you go offline.
update-package-manager = Version { $version } is available (this is { $current }): this copy came from a package repository, so update it with your package manager.
update-not-installable = Version { $version } is available (this is { $current }): this copy was not installed from a package, so the app does not replace it. Install the new version the way this one was installed.
update-installing = Installing version { $version }: going offline first…
update-failed-at = Looked for a new version { $time }: { $error }
update-failed-notice = Update not installed
update-failed-notice-body = { $error } You are offline now: choose phone or computer when you are ready.
menu-update-ready = Version { $version } is ready: install and restart
menu-update-package-manager = Version { $version }: update with your package manager
menu-update-not-installable = Version { $version }: install it the way this copy was installed
window-updates = Updates
window-update-check = Check for updates
window-update-install = Install and restart

## Policies an organisation set that were skipped (exotel-agent settings)

policy-no-such-setting = { $key } in { $origin }: there is no such setting.
policy-unreadable = { $origin } could not be read.
policy-not-switch = { $key } in { $origin }: { $value } is not true or false (1 or 0).
policy-not-number = { $key } in { $origin }: { $value } is not a whole number.
policy-not-text = { $key } in { $origin }: { $value } is not text.
policy-out-of-range = { $key } in { $origin }: { $value } is out of range ({ $low } to { $high }).
policy-not-language = { $key } in { $origin }: { $value } is not a language the app speaks (auto, en, hi).
policy-not-install-time = { $key } in { $origin }: { $value } is not when updates install (ask, at_quit).
policy-bad-address = { $key } in { $origin }: { $value } is not an address the app accepts (https).
policy-not-public-key = { $key } in { $origin }: { $value } is not an update signing key (the base64 of a minisign public key file).

# Exotel Agent Tray के सारे शब्द, हिन्दी में (en.ftl जैसे ही id). नाम (Exotel, Exotel Agent
# Tray) और अंक वैसे ही रहते हैं।
#
# शब्दों का चुनाव: एजेंट दफ़्तर में जो शब्द बोलते हैं, वही रखे हैं। अंग्रेज़ी से आए शब्द (ऑफ़लाइन, ऐप,
# सीक्रेट, टोकन, कीरिंग, सर्वर, नेटवर्क, कनेक्शन, होस्ट, सेटिंग्स, सैंडबॉक्स, शॉर्टकट, विंडो, ट्रे,
# साइन इन, डेटा) देवनागरी में लिखे हैं: उनके गढ़े हुए हिन्दी रूप (जैसे "संजाल", "कूटशब्द") एजेंट
# नहीं पहचानते। Exotel के अपने शब्द (उसका Error संदेश, किसी वेब पेज का शीर्षक) उद्धरण “…” में वैसे
# ही दिखते हैं जैसे उसने लिखे; नाम, अंक, HTTP और कमांड (exotel-agent, --set) भी वैसे ही रहते हैं।
# (The choice, in English: the English loanwords agents use are kept, written in Devanagari;
# coined pure-Hindi words are not used. Exotel's own words are quoted as it wrote them.)

## स्थिति

status-offline = ऑफ़लाइन: नई कॉल नहीं आएँगी
status-phone = फ़ोन पर कॉल आ रही हैं
status-sip = कंप्यूटर पर कॉल आ रही हैं
status-unknown = स्थिति पता नहीं
short-offline = ऑफ़लाइन
short-phone = फ़ोन
short-sip = कंप्यूटर
short-unknown = पता नहीं
target-offline = ऑफ़लाइन
target-phone = फ़ोन पर कॉल
target-sip = कंप्यूटर पर कॉल
device-phone = फ़ोन पर कॉल
device-sip = कंप्यूटर पर कॉल

## बदलाव कहाँ से हुआ

source-tray = ट्रे से
source-window = विंडो से
source-shortcut = कीबोर्ड शॉर्टकट से
source-cli = कमांड लाइन से
source-timer = ब्रेक टाइमर से
source-quit = ऐप बंद करते समय
source-lock = स्क्रीन लॉक होने पर
source-sleep = कंप्यूटर के स्लीप में जाने पर
source-idle = कुछ देर कोई इनपुट न होने पर
source-sync = कहीं और से बदला गया
source-start = ऐप शुरू होने पर
source-sign_in = साइन इन पर

## स्थिति की पंक्तियाँ

line-signed-out = साइन आउट हैं
line-switching = बदल रहे हैं: { $target }…
line-switching-to = { $status } ({ $target } पर बदल रहे हैं…)
line-break = ब्रेक पर: { $left } बाक़ी
line-parked = आप दूर हैं, इसलिए ऑफ़लाइन (लौटने पर फिर से { $device })
line-unknown-error = स्थिति पता नहीं (विंडो देखें)
line-limited = Exotel अभी अनुरोध रोक रहा है; { $seconds } सेकंड में फिर कोशिश होगी
line-going-offline = ऑफ़लाइन हो रहे हैं: अभी पुष्टि नहीं हुई, { $seconds } सेकंड में फिर कोशिश होगी
time-seconds = { $n } सेकंड
time-minutes = { $n } मिनट
time-hours = { $h } घंटे { $m } मिनट
since-offline = { $duration } से ऑफ़लाइन
since-phone = { $duration } से फ़ोन पर
since-sip = { $duration } से कंप्यूटर पर
confirmed-at = Exotel ने { $time } बजे पुष्टि की
line-stale = { $time } के बाद से पुष्टि नहीं; पिछली जानकारी: { $status }
tooltip-exotel = Exotel: { $line }
tooltip-sandbox = सैंडबॉक्स (Exotel नहीं): { $line }
tooltip-named = { $line } ({ $name })
user-id = यूज़र { $id }

## ट्रे मेन्यू

menu-phone = फ़ोन पर कॉल लें
menu-sip = कंप्यूटर पर कॉल लें
menu-offline = ऑफ़लाइन हो जाएँ
menu-break = ब्रेक लें
menu-break-length = { $minutes } मिनट
menu-end-break = ब्रेक ख़त्म करें
menu-end-break-left = ब्रेक ख़त्म करें ({ $left } बाक़ी)
menu-open = Exotel Agent Tray खोलें
menu-sign-in = साइन इन करें…
menu-quit = बंद करें
menu-quit-anyway-phone = फिर भी बंद करें (फ़ोन पर कॉल आ सकती हैं)
menu-quit-anyway-sip = फिर भी बंद करें (कंप्यूटर पर कॉल आ सकती हैं)
menu-quit-anyway-unknown = फिर भी बंद करें (कॉल आ सकती हैं)
line-quit-waiting = Exotel के ऑफ़लाइन की पुष्टि करते ही बंद होगा
menu-quiet = 1 घंटे के लिए सूचनाएँ बंद
shortcut-description = ऑफ़लाइन हों, या पिछले डिवाइस पर लौटें
menu-quiet-end = सूचनाएँ फिर चालू करें ({ $time } तक बंद)

## सूचनाएँ

notice-sandbox = सैंडबॉक्स (Exotel नहीं): { $title }
notice-now = अब { $status }
notice-now-body = { $status }, { $source }।
notice-failed = { $target } पर नहीं बदल सके
notice-failed-any = आपकी स्थिति नहीं बदल सकी
notice-failed-body = { $error }। { $still }।
notice-failed-unknown = बदलाव नहीं हो सका
still-offline = Exotel में आप अब भी ऑफ़लाइन हैं
still-phone = कॉल अब भी आपके फ़ोन पर आएँगी
still-sip = कॉल अब भी आपके कंप्यूटर पर आएँगी
still-unknown = आपकी स्थिति पता नहीं: विंडो में देखें
notice-break-over = ब्रेक ख़त्म
notice-break-over-body = आप दूर हैं, इसलिए ऑफ़लाइन ही हैं: लौटने पर फिर से { $device }।
notice-going-offline = ऑफ़लाइन हो रहे हैं: अभी पुष्टि नहीं हुई
notice-going-offline-body = { $still }: Exotel ने अभी पुष्टि नहीं की कि आप ऑफ़लाइन हैं। { $error }। पुष्टि होने तक ऐप कोशिश करता रहेगा।
notice-quit-failed = ऑफ़लाइन हुए बिना बंद हुआ
notice-quit-waiting = अभी बंद नहीं हुआ: ऑफ़लाइन की पुष्टि नहीं हुई
notice-quit-waiting-body = { $error }। ऐप कोशिश करता रहेगा और Exotel के ऑफ़लाइन की पुष्टि करते ही बंद होगा। अभी बंद करना हो तो ट्रे मेन्यू में “फिर भी बंद करें” चुनें।
notice-quit-failed-body = { $error }। हो सकता है आपको अब भी कॉल आएँ: जा रहे हैं तो Exotel में ऑफ़लाइन हो जाएँ।
notice-last-quit-failed = पिछली बार बंद करते समय ऑफ़लाइन नहीं हो सके
notice-last-quit-failed-body = हो सकता है Exotel ने आपको चालू रखा हो: उसने आख़िरी बार बताया { $status }। अभी अपनी स्थिति देख लें।
notice-panic = ऐप के अंदर कुछ गड़बड़ हुई
notice-panic-body = ऐप चलता रहेगा। Exotel ने आख़िरी बार बताया: { $status }।
notice-restart = Exotel Agent Tray फिर से शुरू करें
notice-restart-body = चलते समय ऐप अपडेट हुआ है: विंडो खोलने के लिए इसे बंद करके फिर से शुरू करें।

## हर तरह की गड़बड़ी का मतलब

kind-unauthorized = Exotel ने ऐप का टोकन नहीं माना।
kind-bad_credentials = ऐप आईडी या ऐप सीक्रेट ग़लत है।
kind-invalid = Exotel ने अनुरोध नहीं माना।
kind-not_found = Exotel इस यूज़र को नहीं जानता।
kind-rate_limited = Exotel अभी अनुरोध रोक रहा है।
kind-server = Exotel की तरफ़ कोई दिक़्क़त है।
kind-network = Exotel से कनेक्शन नहीं है।
kind-timeout = Exotel ने समय पर जवाब नहीं दिया।
kind-malformed = Exotel का जवाब पढ़ा नहीं जा सका।
kind-unconfirmed = Exotel ने बदलाव की पुष्टि नहीं की।
kind-not_signed_in = आप साइन आउट हैं।
kind-keyring = सिस्टम कीरिंग उपलब्ध नहीं है।
kind-keyring_locked = सिस्टम कीरिंग लॉक है।
kind-invalid_input = जो लिखा है उसे जाँच लें।
kind-settings = सेटिंग्स फ़ाइल सेव नहीं हो सकी।
kind-internal = ऐप के अंदर कुछ गड़बड़ हुई।
kind-starting = ऐप अभी शुरू हो रहा है।
kind-sandbox = सैंडबॉक्स शुरू नहीं हो सका।
kind-enforced = यह आपकी संस्था ने तय किया है।

## हर गड़बड़ी में क्या हुआ और क्या करें: उसकी किस्म के शब्दों के बाद। तर्क मान हैं (स्टेटस कोड,
## सेकंड, होस्ट, जो लिखा गया) या Exotel के अपने शब्द, उद्धरण में, जैसे उसने लिखे।

error-host-empty = होस्ट खाली है: { $example } जैसा पता लिखें।
error-host-not-url = “{ $input }” वेब पता नहीं है: { $example } जैसा पता लिखें।
error-host-not-https = “{ $input }” में https नहीं है: Exotel का पता https:// से शुरू होता है (सादा http सिर्फ़ इसी कंप्यूटर के पते के लिए, जैसे 127.0.0.1)।
error-host-extras = “{ $input }” में सिर्फ़ होस्ट होना चाहिए: कोई पाथ, क्वेरी, यूज़र नाम या पासवर्ड नहीं।
error-app-id-empty = ऐप आईडी खाली है: इसे Exotel की ऐप सेटिंग्स से कॉपी करें।
error-secret-empty = ऐप सीक्रेट खाली है: इसे Exotel की ऐप सेटिंग्स से कॉपी करें।
error-user-id-empty = यूज़र आईडी खाली है: ऐप में एजेंट की यूज़र आईडी लिखें।
error-user-id-control = यूज़र आईडी में ऐसे अक्षर हैं जो टाइप नहीं होते: इसे फिर से लिखें।
error-secret-unreadable = ऐप सीक्रेट पढ़ा नहीं जा सका: इसे फिर से टाइप करें।
error-secret-no-terminal = ऐप सीक्रेट पूछने के लिए कोई टर्मिनल नहीं है: इसे --secret-stdin के साथ स्टैंडर्ड इनपुट पर दें।
error-set-usage = --set को नाम=मान चाहिए, “{ $input }” नहीं।
error-no-such-setting = “{ $name }” नाम की कोई सेटिंग नहीं है।
error-setting-wrong-kind = किसी सेटिंग का मान ग़लत तरह का है।
error-break-length = ब्रेक 1 सेकंड से { $hours } घंटे तक का हो सकता है।
error-installing-update = अपडेट इंस्टॉल हो रहा है, इसलिए ऐप दोबारा शुरू होने तक आप ऑफ़लाइन रहेंगे।
error-request-unreadable = विंडो ने ऐसा अनुरोध भेजा जो ऐप पढ़ नहीं सका। ऐसा बार-बार हो तो ऐप फिर से शुरू करें।
error-bad-credentials = ऐप आईडी या ऐप सीक्रेट ग़लत है: Exotel ने टोकन नहीं दिया। दोनों जाँचें और फिर से साइन इन करें।
error-unauthorized = Exotel ने ऐप का टोकन नहीं माना। फिर से साइन इन करें।
error-invalid = Exotel ने अनुरोध को ग़लत बताकर लौटा दिया।
error-not-found = Exotel इस यूज़र को नहीं जानता। यूज़र आईडी जाँचें।
error-rate-limited = Exotel अभी अनुरोध रोक रहा है। एक मिनट बाद फिर कोशिश करें।
error-rate-limited-seconds = Exotel अभी अनुरोध रोक रहा है। { $seconds } सेकंड बाद फिर कोशिश करें।
error-server = Exotel के सर्वर में गड़बड़ी हुई (HTTP { $status })।
error-network = Exotel तक नहीं पहुँच सके: { $cause }।
error-network-host = { $host } पर Exotel तक नहीं पहुँच सके: { $cause }।
error-timeout = Exotel ने समय पर जवाब नहीं दिया। नेटवर्क कनेक्शन जाँचें और फिर कोशिश करें।
error-malformed = Exotel का जवाब पढ़ा नहीं जा सका (HTTP { $status })।
error-account-changed = यह खाता साइन आउट हो गया या इसकी जगह किसी और ने साइन इन किया। Exotel को कुछ नहीं भेजा गया।
error-unconfirmed = Exotel ने { $target } की पुष्टि नहीं की। पुष्टि होने तक आपकी स्थिति पता नहीं। फिर कोशिश करें।
error-not-signed-in = आप साइन इन नहीं हैं। पहले साइन इन करें: exotel-agent login से, या ऐप की विंडो में।
error-secret-missing = ऐप सीक्रेट अब सिस्टम कीरिंग में नहीं है। फिर से साइन इन करें।
error-keyring-locked = सिस्टम कीरिंग लॉक है। इसे खोलें (जैसे डेस्कटॉप में फिर से लॉग इन करके) और फिर कोशिश करें।
error-keyring-unavailable = कोई सिस्टम कीरिंग नहीं मिली। एक चालू करें (Linux पर GNOME Keyring या KeePassXC) और फिर कोशिश करें।
error-keyring-failed = सिस्टम कीरिंग ने अनुरोध नहीं माना। फिर कोशिश करें; बार-बार हो तो कीरिंग फिर से शुरू करें।
error-settings = सेटिंग्स पढ़ी या सेव नहीं हो सकीं। देखें कि होम फ़ोल्डर में जगह है और उसमें लिखा जा सकता है।
error-stopped = ऐप की स्थिति वाली सेवा रुक गई। ऐप फिर से शुरू करें।
error-starting = ऐप अभी शुरू हो रहा है। थोड़ी देर में फिर कोशिश करें।
error-enforced = सेटिंग { $setting } आपकी संस्था ने तय की है, इसे यहाँ नहीं बदल सकते।
error-sandbox = सैंडबॉक्स शुरू नहीं हो सका। ऐप फिर से शुरू करके कोशिश करें।
error-internal = ऐप के अंदर कुछ गड़बड़ हुई। अनुरोध पूरा नहीं हुआ।
todo-try-in-a-minute = एक मिनट बाद फिर कोशिश करें।
todo-check-network = नेटवर्क कनेक्शन और होस्ट जाँचें।
# Exotel के अपने शब्द, जैसे उसने लिखे (अनुवाद नहीं होते)।
exotel-said = Exotel ने लिखा: “{ $said }”।
net-dns = होस्ट का नाम नहीं मिला
net-refused = कनेक्शन ठुकरा दिया गया
net-tls = सुरक्षित कनेक्शन नहीं बन सका
net-dropped = कनेक्शन बीच में टूट गया
net-other = नेटवर्क ने अनुरोध नहीं पहुँचाया
reply-empty = जवाब खाली था।
reply-json = जवाब में { $json } था, Exotel का जवाब नहीं।
reply-html = जवाब एक वेब पेज था, Exotel का जवाब नहीं।
reply-html-titled = जवाब “{ $title }” नाम का वेब पेज था, Exotel का जवाब नहीं।
reply-not-json = जवाब में { $bytes } बाइट थे जो पढ़े नहीं जा सके।
reply-too-large = जवाब { $kib } किलोबाइट से बड़ा था।
reply-no-data = जवाब में कोई डेटा नहीं था।
reply-data-wrong = जवाब के डेटा में { $json } था, वह नहीं जो Exotel भेजता है।
reply-token-empty = जवाब में टोकन खाली था।
json-null = ख़ाली मान
json-bool = हाँ या ना
json-number = एक संख्या
json-string = कुछ लिखा हुआ
json-list = एक सूची
json-object = एक ढाँचा
quit-exotel-reports = Exotel बता रहा है: { $status }।
quit-not-confirmed = Exotel ने { $seconds } सेकंड में पुष्टि नहीं की।

## हाल के बदलाव

change-confirmed = { $from } → { $to }, { $source }
change-confirmed-after = { $from } → { $to }, { $source }, { $attempts } कोशिशों के बाद
change-failed = { $source } { $target } माँगा: नहीं हुआ, { $reason } ({ $still })

# किसी बदलाव के न होने की वजह, उसकी लाइन के अंदर।
reason-unauthorized = Exotel ने ऐप का टोकन नहीं माना
reason-bad_credentials = ऐप आईडी या सीक्रेट ग़लत था
reason-invalid = Exotel ने अनुरोध नहीं माना
reason-not_found = Exotel इस यूज़र को नहीं जानता था
reason-rate_limited = Exotel अनुरोध रोक रहा था
reason-server = Exotel की तरफ़ दिक़्क़त थी
reason-network = Exotel से कनेक्शन नहीं था
reason-timeout = Exotel ने समय पर जवाब नहीं दिया
reason-malformed = Exotel का जवाब पढ़ा नहीं जा सका
reason-unconfirmed = Exotel ने पुष्टि नहीं की
reason-not_signed_in = आप साइन आउट थे
reason-keyring = सिस्टम कीरिंग उपलब्ध नहीं थी
reason-keyring_locked = सिस्टम कीरिंग लॉक थी
reason-invalid_input = अनुरोध सही नहीं था
reason-settings = सेटिंग्स सेव नहीं हो सकीं
reason-internal = ऐप के अंदर कुछ गड़बड़ हुई
reason-starting = ऐप अभी शुरू हो रहा था
reason-sandbox = सैंडबॉक्स शुरू नहीं हो सका
reason-enforced = आपकी संस्था इसकी अनुमति नहीं देती
reason-none = वजह दर्ज नहीं हुई
change-still = अब भी { $status }
change-still-unknown = स्थिति पता नहीं
time-today = आज { $time }

## विंडो

window-title = Exotel Agent Tray
window-sandbox-badge = सैंडबॉक्स: Exotel नहीं
window-sign-in-title = साइन इन
window-first-run-choices = चुनें कि कॉल कहाँ आएँ: आपके फ़ोन पर, इस कंप्यूटर पर (वेब या सॉफ़्टफ़ोन), या कहीं नहीं (ऑफ़लाइन: नई कॉल नहीं)।
window-first-run-credentials = ऐप आईडी और सीक्रेट आपके Exotel डैशबोर्ड से मिलते हैं (ऐप की सेटिंग्स; अपने एडमिन से पूछें), यूज़र आईडी Exotel की यूज़र सूची से।
window-sign-in-hint = अपने Exotel ऐप की आईडी और सीक्रेट, और उस ऐप में अपनी यूज़र आईडी डालें। सीक्रेट सिस्टम कीरिंग में रखा जाता है, किसी फ़ाइल में कभी नहीं।
window-host = Exotel होस्ट
window-host-custom = दूसरा होस्ट…
window-preset = आपके आईटी एडमिन ने सेट किया है।
window-app-id = ऐप आईडी
window-secret = ऐप सीक्रेट
window-user-id = यूज़र आईडी
window-sign-in = साइन इन करें
window-try-sandbox = सैंडबॉक्स आज़माएँ
window-sandbox-hint = Exotel खाता नहीं है? "सैंडबॉक्स आज़माएँ" इसी कंप्यूटर पर एक नकली Exotel चलाता है, ताकि आप हर सुविधा आज़मा सकें।
window-your-status = आपकी स्थिति
window-receive-calls = कॉल कहाँ लें
window-break-left = ब्रेक पर: { $left } बाक़ी। ब्रेक के बाद कॉल आपके पिछले डिवाइस पर आएँगी।
window-take-break = ब्रेक लें:
window-break-length = { $minutes } मिनट
window-end-break = ब्रेक ख़त्म करें
window-recent = हाल के बदलाव
window-no-changes = अभी तक कोई बदलाव नहीं।
window-history = पूरा इतिहास
window-settings = सेटिंग्स
window-pref-offline_on_quit = ऐप बंद करने पर ऑफ़लाइन हो जाएँ
window-pref-offline_on_lock = स्क्रीन लॉक होने पर ऑफ़लाइन हो जाएँ
window-pref-offline_on_sleep = कंप्यूटर स्लीप में जाने पर ऑफ़लाइन हो जाएँ
window-pref-offline_when_idle = कुछ देर कीबोर्ड या माउस न चलने पर ऑफ़लाइन हो जाएँ
window-pref-idle_minutes = बिना इनपुट के मिनट (1 से 120)
window-pref-restore_on_return = लौटने पर कॉल फिर से चालू करें (अगर बीच में कुछ नहीं बदला)
window-pref-sync_interval_secs = Exotel से हर कितने सेकंड में जाँचें
window-pref-shortcut = शॉर्टकट: ऑफ़लाइन / पिछला डिवाइस
window-pref-start_at_login = लॉग इन पर शुरू करें (ट्रे में)
window-pref-language = भाषा
window-notifications = सूचनाएँ
window-pref-notify_mine = मेरे किए बदलावों की सूचना दें
window-pref-notify_elsewhere = कहीं और से या ऐप के किए बदलावों की सूचना दें (ब्रेक, स्क्रीन लॉक, इनपुट न होना)
window-pref-notify_failures = बदलाव न हो पाने पर सूचना दें
window-failures-off = यह बंद रहा तो बदलाव न हो पाने पर कोई नहीं बताएगा: कॉल वहाँ आ सकती हैं जहाँ आप नहीं सोचते।
window-quiet = 1 घंटे के लिए सूचनाएँ बंद करें
window-quiet-end = सूचनाएँ फिर चालू करें
quiet-until = { $time } तक बदलावों की सूचनाएँ बंद हैं (न हो पाए बदलावों की सूचना फिर भी आएगी)
window-language-auto = सिस्टम जैसी ({ $lang })
window-save-settings = सेटिंग्स सेव करें
window-enforced = आपकी संस्था ने तय किया है
window-saved = सेव हो गया।
window-sandbox-note = आप सैंडबॉक्स में हैं, इसी कंप्यूटर पर एक नकली Exotel: यहाँ कुछ भी करने से Exotel में आपकी असली स्थिति या इतिहास नहीं बदलता। "सैंडबॉक्स छोड़ें" से आप अपने खाते पर लौट आएँगे।
window-sign-out = साइन आउट करें
window-leave-sandbox = सैंडबॉक्स छोड़ें
window-quit = ऐप बंद करें
window-shortcut-error = शॉर्टकट { $shortcut } रजिस्टर नहीं हो सका: शायद कोई दूसरा ऐप इसे ले चुका है। कोई दूसरा चुनें।
window-shortcut-wayland = यह Wayland डेस्कटॉप ऐप्स को ग्लोबल शॉर्टकट नहीं लेने देता, इसलिए { $shortcut } यहाँ काम नहीं करेगा। डेस्कटॉप की कीबोर्ड सेटिंग्स में एक शॉर्टकट बनाएँ जो यह चलाए: exotel-agent off
window-autostart-error = लॉग इन पर शुरू होना नहीं बदल सका। फिर कोशिश करें; वजह ऐप के लॉग में है।

## इस कंप्यूटर पर: ऐप जिन सुरक्षाओं पर टिका है, वे यहाँ काम करती हैं या नहीं, और क्या करें

desk-lock = स्क्रीन लॉक
desk-sleep = स्लीप
desk-idle = बिना इनपुट का समय
desk-tray = ट्रे आइकन
desk-notifications = सूचनाएँ
desk-keyring = सिस्टम कीरिंग
desk-shortcut = ग्लोबल शॉर्टकट
desk-checking = जाँच हो रही है…
desk-works = काम करता है, { $via } से
desk-locked = लॉक है
desk-missing = इस कंप्यूटर पर उपलब्ध नहीं
desk-problem-lock = इस डेस्कटॉप पर स्क्रीन लॉक का पता नहीं चल सकता: लॉक करने से आप ऑफ़लाइन नहीं होंगे।
desk-problem-sleep = इस कंप्यूटर पर स्लीप का पता नहीं चल सकता: स्लीप में जाने से आप ऑफ़लाइन नहीं होंगे।
desk-problem-idle = इस डेस्कटॉप पर बिना इनपुट का समय नहीं पढ़ा जा सकता: दूर रहने से आप ऑफ़लाइन नहीं होंगे।
desk-problem-tray = यह डेस्कटॉप ट्रे नहीं दिखाता: ऐप का आइकन और मेन्यू नहीं दिखते।
desk-problem-notifications = यह डेस्कटॉप सूचनाएँ नहीं दिखाता: बदलावों और न हो पाए बदलावों की सूचना नहीं आएगी।
desk-problem-keyring = सिस्टम कीरिंग उपलब्ध नहीं है: ऐप आपका सीक्रेट नहीं पढ़ सकता, इसलिए Exotel तक नहीं पहुँच सकता।
desk-problem-keyring-locked = सिस्टम कीरिंग लॉक है: अनलॉक होने तक ऐप आपका सीक्रेट नहीं पढ़ सकता।
desk-problem-shortcut = इस डेस्कटॉप पर ग्लोबल शॉर्टकट काम नहीं कर सकता।
desk-hint-lock = ऐसे लॉकर से लॉक करें जो सिस्टम को बताए (loginctl lock-session), “कुछ देर कीबोर्ड या माउस न चलने पर ऑफ़लाइन हो जाएँ” चालू करें, या जाने से पहले ख़ुद ऑफ़लाइन हो जाएँ।
desk-hint-sleep = कंप्यूटर स्लीप में जाने से पहले ख़ुद ऑफ़लाइन हो जाएँ।
desk-hint-idle = GNOME, KDE या X11 सेशन इस्तेमाल करें, या जाने से पहले ख़ुद ऑफ़लाइन हो जाएँ।
desk-hint-tray = डेस्कटॉप में ट्रे जोड़ें (GNOME पर AppIndicator एक्सटेंशन)। तब तक विंडो इससे खोलें: exotel-agent-tray --show
desk-hint-notifications = डेस्कटॉप की सूचना सेवा चालू करें। तब तक स्थिति विंडो या ट्रे में देखें।
desk-hint-keyring = डेस्कटॉप की कीरिंग (GNOME Keyring या KWallet) चालू करें, फिर दोबारा साइन इन करें।
desk-hint-keyring-locked = कीरिंग अनलॉक करें: अपने पासवर्ड से डेस्कटॉप में साइन इन करें, या डेस्कटॉप का पासवर्ड ऐप खोलें।
desk-hint-shortcut = डेस्कटॉप की कीबोर्ड सेटिंग्स में एक शॉर्टकट बनाएँ जो यह चलाए: exotel-agent off
desk-what-to-do = क्या करें: { $hint }
desk-more = साथ में { $count } और: विंडो में “इस कंप्यूटर पर” देखें
notice-desk = इस कंप्यूटर पर काम नहीं कर सकता: { $protection }
window-desk = इस कंप्यूटर पर

## जब ट्रे ऐप विंडो को जवाब न दे

link-gone = ट्रे ऐप बंद हो गया है: Exotel Agent Tray फिर से शुरू करें।
link-unanswered = ट्रे ऐप ने जवाब नहीं दिया। दोबारा कोशिश से पहले ट्रे में स्थिति देख लें।

## कमांड लाइन (--json वाला आउटपुट अंग्रेज़ी में ही रहता है)

cli-secret-prompt = ऐप सीक्रेट (दिखेगा नहीं):
cli-signed-in = { $host } पर { $user } के रूप में साइन इन। { $status }
cli-signed-out = साइन आउट: ऐप सीक्रेट और टोकन सिस्टम कीरिंग से हटा दिए गए।
cli-no-changes = अभी तक कोई बदलाव नहीं।
cli-last-confirmed = Exotel ने आख़िरी बार बताया: { $status }।
cli-none-confirmed = इस बार Exotel ने कोई स्थिति नहीं बताई।
cli-doctor-exotel = { $host } पर Exotel ने जवाब दिया (TLS: { $tls })।
cli-doctor-unreachable = { $host } पर Exotel तक नहीं पहुँचा जा सकता। { $error }
cli-doctor-tls-verified = जाँचा हुआ
cli-doctor-tls-not-used = इस्तेमाल नहीं, इसी कंप्यूटर पर http वाला सैंडबॉक्स
cli-doctor-tls-refused = सर्टिफ़िकेट नहीं माना गया
cli-doctor-tls-not-reached = पहुँचा नहीं
net-cause = वजह: { $cause }।
cli-doctor-clock = Exotel की घड़ी इस कंप्यूटर की घड़ी से { $skew } सेकंड अलग है।
cli-doctor-proxy = प्रॉक्सी: { $proxy }
cli-doctor-no-proxy = प्रॉक्सी: कोई नहीं
cli-doctor-signed-out = साइन इन नहीं है।
cli-doctor-token = रखा गया टोकन { $minutes } मिनट पहले बना था।
cli-doctor-rate = रेट लिमिट: इस अवधि में { $limit } में से { $remaining } रीड बाक़ी।
cli-doctor-account-error = खाते की जाँच नहीं हो सकी। { $error }
cli-settings-enforced = { $name } = { $value }  (आपकी संस्था ने तय किया: { $origin })
cli-settings-own = { $name } = { $value }  (आपकी पसंद)
cli-settings-default = { $name } = { $value }  (आपकी संस्था की डिफ़ॉल्ट: { $origin })
cli-settings-built-in = { $name } = { $value }  (ऐप की डिफ़ॉल्ट)
cli-settings-problem = अनदेखा किया: { $problem }
cli-doctor-version = exotel-agent { $version }, { $os } ({ $arch }) पर

## अपडेट

update-up-to-date = Exotel Agent Tray { $version } सबसे नया है।
update-ready = नया वर्शन { $version } तैयार है: इंस्टॉल करके फिर से शुरू करें।
update-ready-cli = नया वर्शन { $version } तैयार है (अभी { $current } है): ऐप के ट्रे मेन्यू या विंडो से इंस्टॉल करके फिर से शुरू करें।
update-off = अपडेट आपकी संस्था ने बंद किए हैं: नए वर्शन वही इंस्टॉल करती है।
update-error-unreachable = { $host } पर अपडेट चैनल तक नहीं पहुँच सके: { $cause }। बाद में फिर कोशिश करें।
update-error-timeout = अपडेट चैनल ने समय पर जवाब नहीं दिया। बाद में फिर कोशिश करें।
update-error-status = अपडेट चैनल ने HTTP { $status } लौटाया: वहाँ अपडेट की जानकारी नहीं है। अपनी आईटी टीम को बताएँ।
update-error-unreadable = अपडेट चैनल का जवाब अपडेट की जानकारी नहीं है (कोई वेब पेज या कुछ और)। अपनी आईटी टीम को बताएँ।
update-error-no-build = अपडेट चैनल में इस कंप्यूटर ({ $platform }) के लिए कोई वर्शन नहीं है।
update-error-bad-signature = अपडेट का सिग्नेचर ऐप का नहीं है: इसे इंस्टॉल नहीं किया गया। अपनी आईटी टीम को बताएँ।
update-error-install = अपडेट इंस्टॉल नहीं हो सका; यही वर्शन चलता रहेगा। बाद में फिर कोशिश करें।
update-not-checked = यह वर्शन { $current } है। ऐप शुरू होने के कुछ देर बाद, फिर दिन में एक बार, नया वर्शन देखता है।
update-checking = नया वर्शन देख रहे हैं…
update-up-to-date-at = वर्शन { $current } सबसे नया है ({ $time } देखा)।
update-ready-ask = वर्शन { $version } डाउनलोड होकर जाँचा जा चुका है (अभी { $current } है)। जब समय हो तब इंस्टॉल करें: पहले आप ऑफ़लाइन होंगे, फिर ऐप दोबारा शुरू होगा।
update-ready-at-quit = वर्शन { $version } डाउनलोड होकर जाँचा जा चुका है (अभी { $current } है): ऐप बंद करने पर, आपके ऑफ़लाइन होने के बाद, यह इंस्टॉल होगा।
update-package-manager = वर्शन { $version } आ गया है (अभी { $current } है): यह कॉपी पैकेज रिपॉज़िटरी से आई है, इसलिए इसे अपने पैकेज मैनेजर से अपडेट करें।
update-not-installable = वर्शन { $version } आ गया है (अभी { $current } है): यह कॉपी किसी पैकेज से इंस्टॉल नहीं हुई, इसलिए ऐप इसे नहीं बदलता। नया वर्शन उसी तरह इंस्टॉल करें जैसे यह किया गया था।
update-installing = वर्शन { $version } इंस्टॉल हो रहा है: पहले ऑफ़लाइन हो रहे हैं…
update-failed-at = { $time } नया वर्शन देखा: { $error }
update-failed-notice = अपडेट इंस्टॉल नहीं हुआ
update-failed-notice-body = { $error } अभी आप ऑफ़लाइन हैं: तैयार हों तो फ़ोन या कंप्यूटर चुनें।
menu-update-ready = वर्शन { $version } तैयार है: इंस्टॉल करके दोबारा शुरू करें
menu-update-package-manager = वर्शन { $version }: अपने पैकेज मैनेजर से अपडेट करें
menu-update-not-installable = वर्शन { $version }: इसे उसी तरह इंस्टॉल करें जैसे यह कॉपी की गई थी
window-updates = अपडेट
window-update-check = नया वर्शन देखें
window-update-install = इंस्टॉल करके दोबारा शुरू करें

## संस्था की वे नीतियाँ जो छोड़ दी गईं (exotel-agent settings)

policy-no-such-setting = { $origin } में { $key }: ऐसी कोई सेटिंग नहीं है।
policy-unreadable = { $origin } पढ़ा नहीं जा सका।
policy-not-switch = { $origin } में { $key }: { $value } हाँ या ना (1 या 0) नहीं है।
policy-not-number = { $origin } में { $key }: { $value } पूरी संख्या नहीं है।
policy-not-text = { $origin } में { $key }: { $value } लिखा हुआ पाठ नहीं है।
policy-out-of-range = { $origin } में { $key }: { $value } सीमा से बाहर है ({ $low } से { $high })।
policy-not-language = { $origin } में { $key }: { $value } ऐसी भाषा नहीं जो ऐप बोलता है (auto, en, hi)।
policy-not-install-time = { $origin } में { $key }: { $value } अपडेट इंस्टॉल होने का समय नहीं है (ask, at_quit)।
policy-bad-address = { $origin } में { $key }: { $value } ऐसा पता नहीं जो ऐप माने (https)।
policy-not-public-key = { $origin } में { $key }: { $value } अपडेट पर साइन करने की कुंजी नहीं है (मिनीसाइन की पब्लिक की फ़ाइल, बेस64 में)।

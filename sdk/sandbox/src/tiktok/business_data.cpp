#include "tiktok/business_data.hpp"

#include <iterator>

#include "tiktok/wire.hpp"

namespace connhost::sandbox::tiktok {
namespace {

constexpr const char* kPeople[] = {"Maya Lopez",  "Jonas Berg",  "Aiko Tanaka",  "Lucas Silva",
                                   "Emma Dubois", "Noah Smith",  "Sofia Rossi",  "Ethan Brown",
                                   "Lea Schmidt", "Omar Haddad", "Chloe Martin", "Kenji Mori"};
constexpr const char* kAsks[] = {"Hi! Is the summer dress still available in size M?",
                                 "Do you ship to Germany?",
                                 "How long does delivery take?",
                                 "Can I return an item after 30 days?",
                                 "Saw your ad, is there a discount code?",
                                 "My order hasn't arrived yet, can you check?",
                                 "Do you have this in blue?",
                                 "What's the price of the bundle?"};
constexpr const char* kAnswers[] = {"Hi! Yes, it is in stock.",
                                    "We ship to all EU countries, 3-5 business days.",
                                    "Returns are free within 30 days.",
                                    "Use SUMMER10 for 10% off.",
                                    "Let me check your order, one moment please.",
                                    "Thanks for reaching out!"};

std::string handle(std::string name) {
  for (char& c : name) c = c == ' ' ? '.' : static_cast<char>(std::tolower(c));
  return name;
}

std::string open_id_like(uint64_t h) {
  // Business open_ids start with "-000" followed by URL-safe characters.
  static const char* alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-";
  std::string s = "-000";
  for (int i = 0; i < 28; ++i, h = mix(h, i)) s += alphabet[h % 64];
  return s;
}

std::string digits(uint64_t h, int n) {
  std::string s;
  for (int i = 0; i < n; ++i, h = mix(h, i)) s += static_cast<char>('0' + h % 10);
  if (s[0] == '0') s[0] = '7';
  return s;
}

}  // namespace

std::string base64_id(uint64_t seed, int bytes) {
  static const char* alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string raw;
  for (int i = 0; i < bytes; ++i) raw += static_cast<char>(mix(seed, i) & 0xff);
  std::string out;
  for (size_t i = 0; i < raw.size(); i += 3) {
    uint32_t n = static_cast<unsigned char>(raw[i]) << 16;
    if (i + 1 < raw.size()) n |= static_cast<unsigned char>(raw[i + 1]) << 8;
    if (i + 2 < raw.size()) n |= static_cast<unsigned char>(raw[i + 2]);
    out += alphabet[(n >> 18) & 63];
    out += alphabet[(n >> 12) & 63];
    out += i + 1 < raw.size() ? alphabet[(n >> 6) & 63] : '=';
    out += i + 2 < raw.size() ? alphabet[n & 63] : '=';
  }
  return out;
}

BusinessData::BusinessData(uint64_t seed, int64_t started_at,
                           std::vector<std::string> advertiser_ids)
    : seed_(mix(seed, 0x7a11)) {
  struct Profile {
    const char* display_name;
    const char* username;
    const char* bio;
  };
  static const Profile profiles[] = {
      {"Acme Store", "acme.store", "Everyday essentials. DM us for help!"},
      {"Nordic Threads", "nordic_threads", ""},  // bio_description is "" when unset (§3.2)
  };
  int64_t now_ms = started_at * 1000;
  for (int a = 0; a < 2; ++a) {
    uint64_t ah = mix(seed_, a + 1);
    BusinessAccount acc;
    acc.business_id = open_id_like(ah);
    acc.display_name = profiles[a].display_name;
    acc.username = profiles[a].username;
    acc.bio = profiles[a].bio;
    acc.verified = a == 0;
    acc.followers = 1000 + static_cast<int64_t>(mix(ah, 1) % 50000);
    acc.following = static_cast<int64_t>(mix(ah, 2) % 300);
    acc.likes = acc.followers * (3 + static_cast<int64_t>(mix(ah, 3) % 20));
    acc.videos = 20 + static_cast<int64_t>(mix(ah, 4) % 200);
    for (int v = 0; v < 3; ++v) acc.own_posts.push_back("7" + digits(mix(ah, 50 + v), 18));

    // 12 accepted conversations and 4 message requests; the oldest accepted ones are past the
    // 48-hour reply window.
    for (int c = 0; c < 16; ++c) {
      uint64_t ch = mix(ah, 100 + c);
      Conversation conv;
      conv.id = base64_id(ch, 25);
      conv.type = c < 12 ? "SINGLE" : "STRANGER";
      const char* name = kPeople[(c + a * 5) % std::size(kPeople)];
      conv.user.display_name = name;
      conv.user.username = handle(name) + std::to_string(c);
      conv.user.id = base64_id(mix(ch, 1), 18);
      conv.user.is_follower = mix(ch, 2) % 3 != 0;
      int64_t last = now_ms - (c < 12 ? c * 5 * 3600 * 1000LL : (c - 11) * 3600 * 1000LL) -
                     static_cast<int64_t>(mix(ch, 3) % 3'000'000);
      int n = conv.type == "STRANGER" ? 1 : 3 + static_cast<int>(mix(ch, 4) % 24);
      for (int m = 0; m < n; ++m) {
        uint64_t mh = mix(ch, 1000 + m);
        Message msg;
        msg.message_id = base64_id(mh, 25);
        // Counting back from the newest, which is the user's: user and business alternate.
        int from_end = n - 1 - m;
        msg.from_business = from_end % 2 == 1;
        msg.timestamp_ms = last - from_end * 7 * 60 * 1000LL - static_cast<int64_t>(mh % 50'000);
        if (msg.from_business) {
          msg.type = "TEXT";
          msg.text = kAnswers[mh % std::size(kAnswers)];
          msg.source = mh % 2 ? "APP" : "WEB";
        } else if (mh % 9 == 0) {
          msg.type = "IMAGE";
          msg.media_id = "v0f044gc0000" + hex_id(mix(mh, 5), 20);
        } else if (mh % 13 == 0) {
          msg.type = "SHARE_POST";
          msg.item_id = "7" + digits(mix(mh, 6), 18);
        } else {
          msg.type = "TEXT";
          msg.text = kAsks[mh % std::size(kAsks)];
        }
        conv.messages.push_back(std::move(msg));
      }
      if (c % 3 == 0 && !advertiser_ids.empty()) {
        AdReferral ad;
        ad.advertiser_id = advertiser_ids[c % advertiser_ids.size()];
        ad.ad_id = "18" + digits(mix(ch, 7), 17);
        ad.ad_name = "DM ad - " + std::string(c % 2 ? "Summer Sale" : "New Arrivals");
        ad.embed_url = "https://www.tiktok.com/embed/v2/7" + digits(mix(ch, 8), 18);
        ad.timestamp_s = conv.messages.front().timestamp_ms / 1000 - 60;
        conv.ads.push_back(std::move(ad));
      }
      if (c % 4 == 1) conv.short_links.push_back({"bio_link", "Hi, I have a question", "PASS"});
      acc.conversations.push_back(std::move(conv));
    }
    // Clients must send '+' as %2B (notes §3.3); make sure the first conversation exercises it.
    auto& first = acc.conversations.front().id;
    if (first.find('+') == std::string::npos) first[3] = '+';
    accounts_.push_back(std::move(acc));
  }
}

BusinessAccount* BusinessData::account(const std::string& business_id) {
  for (auto& a : accounts_)
    if (a.business_id == business_id) return &a;
  return nullptr;
}

Conversation* BusinessData::conversation(BusinessAccount& a, const std::string& id) {
  for (auto& c : a.conversations)
    if (c.id == id) return &c;
  return nullptr;
}

std::string BusinessData::new_message_id() {
  return base64_id(mix(seed_, 1'000'000 + ++counter_), 25);
}

std::string BusinessData::new_media_id() {
  return "v0f044gc0000" + hex_id(mix(seed_, 2'000'000 + ++counter_), 20);
}

}  // namespace connhost::sandbox::tiktok

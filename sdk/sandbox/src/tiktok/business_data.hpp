#pragma once

// The TikTok Business Accounts, their conversations and messages. The shared world has no
// messaging data, so the TikTok emulator keeps its own, generated from the seed: the same seed
// gives the same accounts, people, conversation ids and texts; times are relative to when the
// sandbox started, so that the 48-hour reply window (notes §3.3) means the same thing whatever
// day the sandbox runs.

#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

namespace connhost::sandbox::tiktok {

struct Person {
  std::string id;  // unique_identifier (PERSONAL_ACCOUNT) or business_id (BUSINESS_ACCOUNT)
  std::string username;
  std::string display_name;
  bool is_follower = false;
};

struct Message {
  std::string message_id;
  int64_t timestamp_ms = 0;
  bool from_business = false;
  std::string type;      // REST vocabulary: TEXT, IMAGE, SHARE_POST, STICKER, TEMPLATE
  std::string text;      // TEXT body
  std::string media_id;  // IMAGE
  std::string item_id;   // SHARE_POST
  std::string referenced_message_id;
  std::string source;  // message_tag.source of business messages: APP, WEB, API
};

struct AdReferral {
  std::string advertiser_id, ad_id, ad_name, embed_url;
  int64_t timestamp_s = 0;
};
struct ShortLinkReferral {
  std::string ref, prefilled_message, audit_status;
};

struct Conversation {
  std::string id;    // base64 with '+', '/' and '=' (notes §3.3: send '+' as %2B)
  std::string type;  // SINGLE or STRANGER
  Person user;
  std::vector<Message> messages;  // oldest first
  std::vector<AdReferral> ads;
  std::vector<ShortLinkReferral> short_links;
  int64_t up_time_ms() const { return messages.empty() ? 0 : messages.back().timestamp_ms; }
};

struct BusinessAccount {
  std::string business_id;  // the tt_user token's open_id (notes §3.1)
  std::string username, display_name, bio;
  bool verified = false;
  int64_t followers = 0, following = 0, likes = 0, videos = 0;
  std::vector<std::string> own_posts;  // item ids SHARE_POST may send
  std::vector<Conversation> conversations;
};

struct Media {
  std::string business_id;
  std::string content_type;
  std::string bytes;
  int64_t expires_at = 0;  // unix seconds: uploads are valid 30 days (notes §3.3)
};

class BusinessData {
 public:
  BusinessData(uint64_t seed, int64_t started_at, std::vector<std::string> advertiser_ids);

  // Every accessor below expects the caller to hold mutex().
  std::mutex& mutex() const { return mutex_; }
  std::vector<BusinessAccount>& accounts() { return accounts_; }
  BusinessAccount* account(const std::string& business_id);
  Conversation* conversation(BusinessAccount& a, const std::string& conversation_id);
  // A message id unlike any other, in the style of the seeded ones.
  std::string new_message_id();
  std::string new_media_id();
  std::map<std::string, Media>& media() { return media_; }

 private:
  mutable std::mutex mutex_;
  uint64_t seed_;
  uint64_t counter_ = 0;
  std::vector<BusinessAccount> accounts_;
  std::map<std::string, Media> media_;
};

// base64 (standard alphabet, padded) of deterministic bytes: the look of TikTok's conversation
// and message ids ("u5Jhps…==", notes §3.4).
std::string base64_id(uint64_t seed, int bytes);

}  // namespace connhost::sandbox::tiktok

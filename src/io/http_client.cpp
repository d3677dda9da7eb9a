// http_client.cpp — HttpClient: libcurl's multi_socket API glued to an EventLoop.
//
// The shape (docs/ARCHITECTURE.md, "Threads"): libcurl tells us which sockets to watch
// (on_curl_socket) and when to call it back (on_curl_timer_change); both only edit EventLoop
// registrations. The loop calls curl_multi_socket_action when a socket is ready or the timer is
// due; afterwards, and only then, completions are read with curl_multi_info_read, handles are
// removed, queued requests are promoted and callbacks run.
#include "io/http_client.hpp"

#include <curl/curl.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509_vfy.h>
#include <sys/epoll.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cassert>
#include <charconv>
#include <csignal>
#include <cstring>
#include <limits>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string>

#include "util/log.hpp"
#include "util/text.hpp"

namespace sfq::detail {
namespace {

// How much of a text body the trace log shows.
constexpr std::size_t kTraceBodyPrefix = 200;
// Header fields a response usually has, and their bytes: the header list is sized for that at
// once. Both allocations stay under 1 KiB, glibc's first "large" size, whose every request
// consolidates the thread's freed small chunks (it did for the 1 KiB vector of strings this
// list replaced, once per response: an eighth of the I/O thread's time in malloc).
constexpr std::size_t kTypicalHeaderCount = 16;
constexpr std::size_t kTypicalHeaderBytes = 768;
// The most a Content-Length header makes us allocate up front.
constexpr std::uint64_t kMaxReserve = std::uint64_t{64} * 1024 * 1024;

using util::iequals;
using util::trim;

// The header's name when `line` is "Name: value", else "".
std::string_view header_name(std::string_view line) noexcept {
  const auto colon = line.find(':');
  return colon == std::string_view::npos ? std::string_view() : trim(line.substr(0, colon));
}

bool has_header(const std::vector<std::string>& headers, std::string_view name) noexcept {
  return std::any_of(headers.begin(), headers.end(),
                     [name](const std::string& h) { return iequals(header_name(h), name); });
}

// The URL without "user:password@": URLs go into errors and logs, credentials must not.
std::string url_for_messages(std::string_view url) {
  const auto scheme = url.find("://");
  if (scheme == std::string_view::npos) return std::string(url);
  const auto authority = scheme + 3;
  const auto end = url.find_first_of("/?#", authority);
  const auto at =
      url.substr(authority, end == std::string_view::npos ? end : end - authority).rfind('@');
  if (at == std::string_view::npos) return std::string(url);
  return std::string(url.substr(0, authority)) + std::string(url.substr(authority + at + 1));
}

bool is_secret_header(std::string_view lower_name) noexcept {
  return lower_name == "authorization" || lower_name == "proxy-authorization" ||
         lower_name == "cookie" || lower_name == "set-cookie";
}

// A short, printable prefix of a body for the trace log.
std::string body_prefix(std::string_view body) {
  std::string out(body.substr(0, kTraceBodyPrefix));
  for (char& c : out) {
    if (static_cast<unsigned char>(c) < 0x20 || static_cast<unsigned char>(c) > 0x7e) c = '.';
  }
  if (body.size() > kTraceBodyPrefix) out += "...";
  return out;
}

bool trace_enabled(const HttpClientOptions& options) {
  return options.trace && logger().should_log(spdlog::level::debug);
}

// Easy handles created and not yet cleaned up, by every HttpClient of the process.
std::atomic<std::uint64_t> g_live_easy_handles{0};

}  // namespace

std::uint64_t live_easy_handles() noexcept {
  return g_live_easy_handles.load(std::memory_order_relaxed);
}

// ---------------------------------------------------------------------------------------------
// HttpHeaderFields

void HttpHeaderFields::add(std::string_view name, std::string_view value) {
  const std::size_t at = text_.size();
  if (name.size() + value.size() > std::numeric_limits<std::uint32_t>::max() - at) {
    throw std::length_error("header fields too large");
  }
  // Sized once for a typical response's fields, as the real service sends them.
  if (text_.capacity() == 0) text_.reserve(kTypicalHeaderBytes);
  if (spans_.capacity() == 0) spans_.reserve(kTypicalHeaderCount);
  spans_.push_back(Span{static_cast<std::uint32_t>(at), static_cast<std::uint32_t>(name.size()),
                        static_cast<std::uint32_t>(value.size())});
  try {
    text_.append(name);
    text_.append(value);
  } catch (...) {
    spans_.pop_back();
    text_.resize(at);
    throw;
  }
  for (std::size_t i = at; i < at + name.size(); ++i) text_[i] = util::lower(text_[i]);
}

std::string_view HttpHeaderFields::find(std::string_view lower_name) const noexcept {
  for (const auto [name, value] : *this) {
    if (name == lower_name) return value;
  }
  return {};
}

// ---------------------------------------------------------------------------------------------
// HttpResponse

std::string_view HttpResponse::header(std::string_view lower_name) const {
  return headers.find(lower_name);
}

bool HttpResponse::is_gzip() const {
  const std::string_view encoding = trim(header("content-encoding"));
  return iequals(encoding, "gzip") || iequals(encoding, "x-gzip");
}

// ---------------------------------------------------------------------------------------------
// Process-wide set-up

bool ignore_sigpipe_if_default() noexcept {
  struct sigaction current {};
  if (::sigaction(SIGPIPE, nullptr, &current) != 0) return false;
  if ((current.sa_flags & SA_SIGINFO) != 0 || current.sa_handler != SIG_DFL) return false;
  struct sigaction ignore {};
  ignore.sa_handler = SIG_IGN;
  sigemptyset(&ignore.sa_mask);
  return ::sigaction(SIGPIPE, &ignore, nullptr) == 0;
}

void ensure_curl_initialised() {
  static std::once_flag once;
  static CURLcode result = CURLE_OK;
  std::call_once(once, [] {
    // With CURLOPT_NOSIGNAL libcurl leaves SIGPIPE to us, and a peer closing a connection while
    // we write must not kill the process.
    ignore_sigpipe_if_default();
    result = curl_global_init(CURL_GLOBAL_DEFAULT);
    if (result != CURLE_OK) return;
    const curl_version_info_data* info = curl_version_info(CURLVERSION_NOW);
    if ((info->features & CURL_VERSION_ASYNCHDNS) == 0) {
      SFQ_LOG_WARN(
          "libcurl {} resolves host names synchronously: every DNS lookup blocks the I/O thread",
          info->version);
    }
  });
  if (result != CURLE_OK) {
    throw Error(ErrorCategory::transport,
                std::string("cannot initialise libcurl: ") + curl_easy_strerror(result));
  }
}

// ---------------------------------------------------------------------------------------------
// Transfer

struct HttpClient::Transfer {
  enum class State : std::uint8_t { queued, running, done };

  TransferId id = 0;
  HttpRequest request;
  Callback done;
  State state = State::queued;
  EventLoop::Clock::time_point started_at;
  EventLoop::TimerId queue_timer = 0;  // queued with a timeout: fails the transfer at its deadline
  CURL* easy = nullptr;                // owned while running
  std::shared_ptr<const HttpHeaders> headers;  // held while running (libcurl reads the list)
  HttpResponse response;
  std::uint64_t max_body = 0;
  bool too_large = false;          // the body limit aborted the transfer
  std::uint64_t body_bytes = 0;    // received so far (streamed to the sink or kept)
  bool sink_started = false;       // request.sink->begin() was called for this attempt
  bool paused = false;             // the sink was full: the write callback paused the transfer
  std::size_t header_bytes = 0;    // of every header block of this attempt
  bool headers_too_large = false;  // kMaxHeaderBytes aborted the transfer
  bool out_of_memory = false;      // a libcurl data callback could not store what it got
  bool nothing_sent = false;       // ended before the connection could carry the request
  // libcurl was about to send the request on a connection (CURLOPT_PREREQFUNCTION), in any of
  // its attempts: libcurl resends by itself on a new connection when a reused one closes, and
  // that resend failing to connect does not make the first copy unsent.
  bool request_left = false;
  std::size_t lane = 0;
  std::optional<sfq::Result<HttpResponse>> outcome;  // set when done
  std::array<char, CURL_ERROR_SIZE> error_buffer{};

  [[nodiscard]] std::string describe() const {
    return request.method + " " + url_for_messages(request.url);
  }
};

// The system store as every TLS connection of one client shares it (see "TLS" in the header):
// the hashed CA directory, whose CAs are read as connections need them and kept, and the bundle
// file, read into the same store — once — only when a chain has no possible anchor in the
// directory. So a CA appended to the bundle file alone (as some container images do) is trusted,
// as libcurl's defaults, which name both, would trust it; and the bundle costs nothing while the
// directory has what connections need.
struct SystemCaStore {
  X509_STORE* store;   // owned
  std::string bundle;  // "" when there is none
  bool bundle_read = false;
  SystemCaStore(X509_STORE* directory_store, std::string bundle_file) noexcept
      : store(directory_store), bundle(std::move(bundle_file)) {}
  SystemCaStore(const SystemCaStore&) = delete;
  SystemCaStore& operator=(const SystemCaStore&) = delete;
  ~SystemCaStore() { X509_STORE_free(store); }
};

namespace {
// Whether any certificate of the chain being verified (the leaf and what the server sent with
// it) has its issuer or itself in the store: without one, the chain cannot end at an anchor
// there. From the top of the chain down, where a hit is likeliest (a root CA, read once and
// then found in the store).
bool may_anchor(X509_STORE_CTX* ctx) {
  const auto in_store = [ctx](const X509_NAME* name) {
    X509_OBJECT* found = X509_STORE_CTX_get_obj_by_subject(ctx, X509_LU_X509, name);
    if (found == nullptr) return false;
    X509_OBJECT_free(found);
    return true;
  };
  STACK_OF(X509)* sent = X509_STORE_CTX_get0_untrusted(ctx);
  const int count = sent != nullptr ? sk_X509_num(sent) : 0;
  for (int i = count - 1; i >= -1; --i) {
    X509* cert = i >= 0 ? sk_X509_value(sent, i) : X509_STORE_CTX_get0_cert(ctx);
    if (cert == nullptr) continue;
    if (in_store(X509_get_issuer_name(cert)) || in_store(X509_get_subject_name(cert))) return true;
  }
  return false;
}

// Every certificate of the bundle file into the store (those already there are kept once).
void read_bundle(SystemCaStore& system) {
  system.bundle_read = true;
  BIO* file = BIO_new_file(system.bundle.c_str(), "r");
  if (file != nullptr) {
    while (X509* cert = PEM_read_bio_X509_AUX(file, nullptr, nullptr, nullptr)) {
      X509_STORE_add_cert(system.store, cert);
      X509_free(cert);
    }
    BIO_free(file);
  }
}

// SSL_CTX_set_cert_verify_callback: the chain is verified as OpenSSL would (X509_verify_cert),
// after reading the bundle into the store if the directory alone cannot anchor it.
int verify_chain(X509_STORE_CTX* ctx, void* data) {
  auto& system = *static_cast<SystemCaStore*>(data);
  if (!system.bundle_read && !system.bundle.empty()) {
    // What the look-ups and the reading leave on the thread's error queue (a miss, the end of
    // the file) is theirs, not the handshake's: dropped.
    ERR_set_mark();
    if (!may_anchor(ctx)) read_bundle(system);
    ERR_pop_to_mark();
  }
  return X509_verify_cert(ctx);
}
}  // namespace

// The C callbacks libcurl calls. They never throw and never call back into curl_multi_*.
struct CurlCallbacks {
  static int socket(CURL* easy, curl_socket_t fd, int what, void* client, void* /*socketp*/) {
    return static_cast<HttpClient*>(client)->on_curl_socket(easy, fd, what);
  }

  static int timer(CURLM* /*multi*/, long timeout_ms, void* client) {  // NOLINT(runtime/int)
    return static_cast<HttpClient*>(client)->on_curl_timer_change(timeout_ms);
  }

  // CURLOPT_SSL_CTX_FUNCTION: a new TLS connection's context gets the client's shared CA store
  // (SSL_CTX_set1_cert_store takes a reference; the context's own, empty store is dropped) and
  // verifies its chain through verify_chain.
  static CURLcode ssl_context(CURL* /*easy*/, void* context, void* data) {
    auto* tls = static_cast<SSL_CTX*>(context);
    auto* system = static_cast<SystemCaStore*>(data);
    SSL_CTX_set1_cert_store(tls, system->store);
    SSL_CTX_set_cert_verify_callback(tls, &verify_chain, system);
    return CURLE_OK;
  }

  static int prereq(void* user, char* /*primary_ip*/, char* /*local_ip*/, int /*primary_port*/,
                    int /*local_port*/) {
    static_cast<HttpClient::Transfer*>(user)->request_left = true;
    return CURL_PREREQFUNC_OK;
  }

  static int close_socket(void* client, curl_socket_t fd) {
    return static_cast<HttpClient*>(client)->on_curl_close_socket(fd);
  }

  static std::size_t write(char* data, std::size_t size, std::size_t count, void* user) {
    auto* transfer = static_cast<HttpClient::Transfer*>(user);
    const std::size_t bytes = size * count;
    if (transfer->body_bytes + bytes > transfer->max_body) {
      transfer->too_large = true;
      return 0;  // a short count: libcurl aborts this transfer with CURLE_WRITE_ERROR
    }
    try {
      if (transfer->request.sink && streams_to_sink(*transfer)) {
        if (!transfer->sink_started) {
          transfer->sink_started = true;
          transfer->request.sink->begin(transfer->response.is_gzip());
        }
        if (!transfer->request.sink->accept(std::string_view(data, bytes))) {
          transfer->paused = true;
          return CURL_WRITEFUNC_PAUSE;  // the same piece comes again after resume()
        }
      } else {
        transfer->response.body.append(data, bytes);
      }
    } catch (...) {
      transfer->out_of_memory = true;
      return 0;
    }
    transfer->body_bytes += bytes;
    return bytes;
  }

  // Whether this attempt's body goes to the sink: a 200 answer (the status line of the last
  // response, which the header callback saw before any body byte).
  static bool streams_to_sink(HttpClient::Transfer& transfer) {
    if (transfer.sink_started) return true;
    long status = 0;  // NOLINT(runtime/int): libcurl's type
    if (transfer.easy == nullptr ||
        curl_easy_getinfo(transfer.easy, CURLINFO_RESPONSE_CODE, &status) != CURLE_OK) {
      return false;
    }
    return status == 200;
  }

  static std::size_t header(char* data, std::size_t size, std::size_t count, void* user) {
    auto* transfer = static_cast<HttpClient::Transfer*>(user);
    const std::size_t bytes = size * count;
    transfer->header_bytes += bytes;
    if (transfer->header_bytes > HttpClient::kMaxHeaderBytes) {
      transfer->headers_too_large = true;
      return 0;
    }
    const std::string_view line = trim(std::string_view(data, bytes));
    HttpResponse& response = transfer->response;
    if (line.starts_with("HTTP/")) {
      // A new response begins (the previous one was e.g. "100 Continue"): keep only the last.
      response.headers.clear();
      return bytes;
    }
    const auto colon = line.find(':');
    if (colon == std::string_view::npos) return bytes;  // the blank line ending the headers
    try {
      const std::string_view name = trim(line.substr(0, colon));
      const std::string_view value = trim(line.substr(colon + 1));
      if (iequals(name, "content-length")) {
        std::uint64_t length = 0;
        const auto [end, error] =
            std::from_chars(value.data(), value.data() + value.size(), length);
        if (error == std::errc() && end == value.data() + value.size()) {
          if (length > transfer->max_body) {
            transfer->too_large = true;
            return 0;  // fail before a single body byte is stored
          }
          // Saves the copies of a growing buffer; capped, because the length is only a claim.
          if (transfer->request.method != "HEAD" && !transfer->request.sink) {
            response.body.reserve(std::min<std::uint64_t>(length, kMaxReserve));
          }
        }
      }
      response.headers.add(name, value);
    } catch (...) {
      transfer->out_of_memory = true;
      return 0;
    }
    return bytes;
  }
};

// ---------------------------------------------------------------------------------------------
// HttpClient

void HttpClient::MultiDeleter::operator()(void* multi) const noexcept {
  curl_multi_cleanup(static_cast<CURLM*>(multi));
}

void HttpClient::ShareDeleter::operator()(void* share) const noexcept {
  curl_share_cleanup(static_cast<CURLSH*>(share));
}

void HttpClient::CaStoreDeleter::operator()(SystemCaStore* store) const noexcept { delete store; }

namespace {
bool is_readable_directory(const std::string& path) {
  struct stat info {};
  return !path.empty() && ::stat(path.c_str(), &info) == 0 && S_ISDIR(info.st_mode) &&
         ::access(path.c_str(), R_OK | X_OK) == 0;
}

// libcurl's compile-time CA defaults, each "" when absent or unreadable, and whether it takes
// CURLOPT_SSL_CTX_FUNCTION (only some TLS backends do, OpenSSL among them). Probed once.
struct DefaultCaStore {
  std::string bundle;
  std::string directory;
  bool ssl_context_function = false;
};

const DefaultCaStore& default_ca_store() {
  ensure_curl_initialised();
  static const DefaultCaStore store = [] {
    DefaultCaStore found;
    CURL* probe = curl_easy_init();
    if (probe == nullptr) return found;
    char* path = nullptr;
    if (curl_easy_getinfo(probe, CURLINFO_CAINFO, &path) == CURLE_OK && path != nullptr &&
        ::access(path, R_OK) == 0) {
      found.bundle = path;
    }
    path = nullptr;
    if (curl_easy_getinfo(probe, CURLINFO_CAPATH, &path) == CURLE_OK && path != nullptr &&
        is_readable_directory(path)) {
      found.directory = path;
    }
    found.ssl_context_function =
        curl_easy_setopt(probe, CURLOPT_SSL_CTX_FUNCTION, &CurlCallbacks::ssl_context) == CURLE_OK;
    curl_easy_cleanup(probe);
    return found;
  }();
  return store;
}

// An X509_STORE that looks CAs up in the hashed directory `directory` (<subject hash>.N files)
// as connections need them and keeps each one it read; null when one cannot be made or this
// libcurl cannot hand it to connections.
X509_STORE* directory_store(const std::string& directory) {
  if (!default_ca_store().ssl_context_function) return nullptr;
  X509_STORE* store = X509_STORE_new();
  if (store == nullptr) return nullptr;
  X509_LOOKUP* lookup = X509_STORE_add_lookup(store, X509_LOOKUP_hash_dir());
  if (lookup == nullptr || X509_LOOKUP_add_dir(lookup, directory.c_str(), X509_FILETYPE_PEM) != 1) {
    X509_STORE_free(store);
    return nullptr;
  }
  // What libcurl sets on the stores it fills itself: an intermediate CA in the store is a trust
  // anchor too.
  X509_STORE_set_flags(store, X509_V_FLAG_PARTIAL_CHAIN);
  return store;
}
}  // namespace

std::string default_ca_bundle() { return default_ca_store().bundle; }

std::string default_ca_directory() { return default_ca_store().directory; }

HttpHeaders::HttpHeaders(std::vector<std::string> lines) : lines_(std::move(lines)) {
  // Plain header, not CURLOPT_ACCEPT_ENCODING: libcurl must hand us the compressed bytes.
  if (!has_header(lines_, "accept-encoding")) lines_.emplace_back("Accept-Encoding: gzip");
  // libcurl sends "Expect: 100-continue" for large bodies and then waits up to a second for
  // servers that never answer it; the SQL API does not need it.
  if (!has_header(lines_, "expect")) lines_.emplace_back("Expect:");
  curl_slist* list = nullptr;
  for (const std::string& line : lines_) {
    curl_slist* grown = curl_slist_append(list, line.c_str());
    if (grown == nullptr) {
      curl_slist_free_all(list);
      throw std::bad_alloc();
    }
    list = grown;
  }
  list_ = list;
}

HttpHeaders::~HttpHeaders() { curl_slist_free_all(static_cast<curl_slist*>(list_)); }

HttpClient::HttpClient(EventLoop& loop, HttpClientOptions options)
    : loop_(loop), options_(std::move(options)) {
  ensure_curl_initialised();
  options_.max_in_flight = std::max(options_.max_in_flight, 1);
  queues_.resize(kMaxLanes);
  idle_easy_.reserve(kIdleEasyHandles);
  lane_in_flight_.assign(kMaxLanes, 0);
  long max_connects = 0;  // NOLINT(runtime/int): libcurl's type
  for (std::size_t lane = 0; lane < kMaxLanes; ++lane) max_connects += lane_limit(lane);
  check_thread("HttpClient::HttpClient");
  if (options_.ca_file.empty()) {
    ca_bundle_ =
        options_.system_ca_bundle.empty() ? default_ca_bundle() : options_.system_ca_bundle;
    // libcurl's default was checked when it was probed; a test's own store is checked here.
    ca_directory_ = options_.system_ca_directory;
    if (ca_directory_.empty()) {
      ca_directory_ = default_ca_directory();
    } else if (!is_readable_directory(ca_directory_)) {
      ca_directory_.clear();
    }
    if (options_.verify_tls && !ca_directory_.empty()) {
      if (X509_STORE* store = directory_store(ca_directory_)) {
        ca_store_.reset(new SystemCaStore(store, ca_bundle_));
      }
    }
  } else {
    ca_bundle_ = options_.ca_file;
  }
  // One thread uses the share handle (this loop's), so it needs no lock callbacks.
  share_.reset(curl_share_init());
  if (share_) {
    curl_share_setopt(share_.get(), CURLSHOPT_SHARE, CURL_LOCK_DATA_SSL_SESSION);
    curl_share_setopt(share_.get(), CURLSHOPT_SHARE, CURL_LOCK_DATA_DNS);
  }
  multi_.reset(curl_multi_init());
  if (!multi_) throw Error(ErrorCategory::transport, "cannot create a libcurl multi handle");
  CURLM* multi = multi_.get();
  curl_multi_setopt(multi, CURLMOPT_SOCKETFUNCTION, &CurlCallbacks::socket);
  curl_multi_setopt(multi, CURLMOPT_SOCKETDATA, this);
  curl_multi_setopt(multi, CURLMOPT_TIMERFUNCTION, &CurlCallbacks::timer);
  curl_multi_setopt(multi, CURLMOPT_TIMERDATA, this);
  // Without a limit the connection cache holds 4 x the handles currently added, so it shrinks
  // (closing warm connections) exactly when a burst of requests finishes.
  curl_multi_setopt(multi, CURLMOPT_MAXCONNECTS, max_connects);
}

HttpClient::~HttpClient() {
  check_thread("HttpClient::~HttpClient");
  if (curl_timer_ != 0) loop_.cancel_timer(curl_timer_);
  if (delivery_timer_ != 0) loop_.cancel_timer(delivery_timer_);
  for (auto& [id, transfer] : transfers_) {
    if (transfer->queue_timer != 0) loop_.cancel_timer(transfer->queue_timer);
    if (transfer->state == Transfer::State::running) remove_from_multi(*transfer);
  }
  transfers_.clear();
  for (void* easy : idle_easy_) {
    curl_easy_cleanup(static_cast<CURL*>(easy));
    g_live_easy_handles.fetch_sub(1, std::memory_order_relaxed);
  }
  idle_easy_.clear();
  // curl_multi_cleanup closes the cached connections and may report their sockets to
  // on_curl_socket (CURL_POLL_REMOVE), which only unwatches: this object is still whole here.
  multi_.reset();
  for (const auto& [fd, events] : sockets_) loop_.unwatch(fd);
  sockets_.clear();
}

void HttpClient::check_thread(const char* where) noexcept {
  if (loop_.is_owner_thread()) return;
  off_thread_calls_.fetch_add(1, std::memory_order_relaxed);
  SFQ_LOG_ERROR("{}: libcurl called off the I/O thread (a bug: HttpClient belongs to its loop)",
                where);
  assert(!"libcurl called off the I/O thread");
}

std::size_t HttpClient::lane_limit(std::size_t lane) const noexcept {
  if (lane < options_.lane_limits.size() && options_.lane_limits[lane] > 0) {
    return static_cast<std::size_t>(options_.lane_limits[lane]);
  }
  return static_cast<std::size_t>(options_.max_in_flight);
}

bool HttpClient::request_sent(TransferId id) const {
  const auto found = transfers_.find(id);
  if (found == transfers_.end()) return true;
  const Transfer& transfer = *found->second;
  switch (transfer.state) {
    case Transfer::State::queued:
      return false;
    case Transfer::State::running: {
      if (transfer.request_left) return true;
      if (transfer.response.status != 0 || !transfer.response.headers.empty()) return true;
      curl_off_t pretransfer = 0;
      if (curl_easy_getinfo(transfer.easy, CURLINFO_PRETRANSFER_TIME_T, &pretransfer) != CURLE_OK) {
        return true;  // cannot tell: assume it may have
      }
      return pretransfer > 0;
    }
    case Transfer::State::done:
      return !transfer.nothing_sent;
  }
  return true;
}

std::size_t HttpClient::in_flight() const noexcept {
  return in_flight_.load(std::memory_order_relaxed);
}
std::size_t HttpClient::queued() const noexcept { return queued_.load(std::memory_order_relaxed); }
std::size_t HttpClient::watched_sockets() const noexcept { return sockets_.size(); }
std::uint64_t HttpClient::sockets_closed() const noexcept { return sockets_closed_; }
std::uint64_t HttpClient::curl_calls_off_loop_thread() const noexcept {
  return off_thread_calls_.load(std::memory_order_relaxed);
}

HttpClient::TransferId HttpClient::start(HttpRequest request, Callback done) {
  check_thread("HttpClient::start");
  const TransferId id = next_id_++;
  auto owned = std::make_unique<Transfer>();
  Transfer& transfer = *owned;
  transfer.id = id;
  transfer.request = std::move(request);
  transfer.done = std::move(done);
  transfer.started_at = EventLoop::Clock::now();
  transfer.max_body = options_.max_response_bytes;
  transfer.lane = std::min(transfer.request.lane, kMaxLanes - 1);
  transfers_.emplace(id, std::move(owned));

  // FIFO per lane: while anyone waits, newcomers queue behind them even if a slot just opened.
  auto& queue = queues_[transfer.lane];
  if (queue.empty() && lane_in_flight_[transfer.lane] < lane_limit(transfer.lane)) {
    if (Status added = add_to_multi(transfer); !added.ok()) {
      finish(transfer, added.error());
      schedule_delivery();
    }
    return id;
  }
  queue.push_back(id);
  queued_.fetch_add(1, std::memory_order_relaxed);
  if (transfer.request.timeout.count() > 0) {
    transfer.queue_timer = loop_.add_timer(transfer.started_at + transfer.request.timeout,
                                           [this, id] { expire_queued(id); });
  }
  return id;
}

void HttpClient::cancel(TransferId id) {
  check_thread("HttpClient::cancel");
  const auto found = transfers_.find(id);
  if (found == transfers_.end()) return;
  Transfer& transfer = *found->second;
  if (transfer.queue_timer != 0) loop_.cancel_timer(transfer.queue_timer);
  switch (transfer.state) {
    case Transfer::State::queued:
      queued_.fetch_sub(1, std::memory_order_relaxed);  // its queue_ entry is skipped later
      break;
    case Transfer::State::running:
      remove_from_multi(transfer);
      break;
    case Transfer::State::done:
      break;  // finished, callback pending: deliver_completions() skips missing ids
  }
  transfers_.erase(found);
  promote_queued();
  if (!done_.empty()) schedule_delivery();
}

void HttpClient::resume(TransferId id) {
  check_thread("HttpClient::resume");
  const auto found = transfers_.find(id);
  if (found == transfers_.end()) return;
  Transfer& transfer = *found->second;
  if (transfer.state != Transfer::State::running || transfer.easy == nullptr || !transfer.paused) {
    return;
  }
  transfer.paused = false;
  // libcurl may call the write callback from in here with the piece it held back (and pause
  // again); it then asks for a timeout of 0 to go on reading, which the loop's timer runs.
  const CURLcode code = curl_easy_pause(transfer.easy, CURLPAUSE_CONT);
  if (code != CURLE_OK) {
    remove_from_multi(transfer);
    finish(transfer, Error(ErrorCategory::transport,
                           transfer.describe() + " could not resume: " + curl_easy_strerror(code)));
  }
  collect_completions();
  if (!done_.empty()) schedule_delivery();
}

Status HttpClient::add_to_multi(Transfer& transfer) {
  check_thread("HttpClient::add_to_multi");
  const HttpRequest& request = transfer.request;
  if (request.timeout.count() > 0) {
    const auto waited = std::chrono::duration_cast<std::chrono::milliseconds>(
        EventLoop::Clock::now() - transfer.started_at);
    if (waited >= request.timeout) {
      return Error(ErrorCategory::timeout, transfer.describe() + " timed out after " +
                                               std::to_string(request.timeout.count()) +
                                               " ms waiting for a connection slot");
    }
  }
  if (request.shared_headers) {
    transfer.headers = request.shared_headers;
  } else {
    try {
      transfer.headers = std::make_shared<const HttpHeaders>(request.headers);
    } catch (const std::bad_alloc&) {
      return Error(ErrorCategory::transport, transfer.describe() + ": out of memory for headers");
    }
  }
  auto* easy = static_cast<CURL*>(take_easy_handle());
  if (easy == nullptr) {
    transfer.headers.reset();
    return Error(ErrorCategory::transport, transfer.describe() + ": cannot create a curl handle");
  }
  transfer.easy = easy;

  // The options every transfer of this client shares were set when the handle was made
  // (set_fixed_options); these are this transfer's. Each is set whatever its value, so nothing
  // of the handle's previous transfer carries over.
  CURLcode code = CURLE_OK;
  auto set = [&](CURLoption option, auto value) {
    if (code == CURLE_OK) code = curl_easy_setopt(easy, option, value);
  };
  set(CURLOPT_PRIVATE, static_cast<void*>(&transfer));
  set(CURLOPT_URL, request.url.c_str());
  set(CURLOPT_PREREQDATA, static_cast<void*>(&transfer));
  set(CURLOPT_ERRORBUFFER, transfer.error_buffer.data());
  set(CURLOPT_WRITEDATA, static_cast<void*>(&transfer));
  set(CURLOPT_HEADERDATA, static_cast<void*>(&transfer));
  set(CURLOPT_HTTPHEADER, static_cast<curl_slist*>(transfer.headers->curl_list()));
  // Parallel requests to a host wait for its first connection to say whether it multiplexes
  // (HTTP/2) instead of each opening a TLS connection of its own. HTTPS only: TLS (ALPN) settles
  // the question at the handshake, but plain HTTP (no h2c here) settles it only when the first
  // response arrives — and a first request held for 45 s by the server would hold up every
  // other request to that host.
  set(CURLOPT_PIPEWAIT, util::istarts_with(request.url, "https://") ? 1L : 0L);
  std::int64_t limit_ms = request.attempt_timeout.count() > 0 ? request.attempt_timeout.count() : 0;
  if (request.timeout.count() > 0) {
    // The deadline counts from start(): what the queue used is gone.
    const auto left = request.timeout - std::chrono::duration_cast<std::chrono::milliseconds>(
                                            EventLoop::Clock::now() - transfer.started_at);
    const std::int64_t left_ms = std::max<std::int64_t>(left.count(), 1);
    limit_ms = limit_ms > 0 ? std::min(limit_ms, left_ms) : left_ms;
  }
  set(CURLOPT_TIMEOUT_MS, static_cast<long>(limit_ms));  // 0: none
  // Less than one byte per second for N seconds: the peer has stalled. libcurl counts the wait
  // for the first response byte too. 0 turns the check off.
  const bool stall_check = request.stall_timeout.count() > 0;
  set(CURLOPT_LOW_SPEED_LIMIT, stall_check ? 1L : 0L);
  set(CURLOPT_LOW_SPEED_TIME,
      stall_check ? static_cast<long>((request.stall_timeout.count() + 999) / 1000) : 0L);
  // The method. NOBODY off before POSTFIELDS: it would otherwise keep a HEAD's no-body.
  if (request.method == "GET" && request.body.empty()) {
    set(CURLOPT_CUSTOMREQUEST, static_cast<const char*>(nullptr));
    set(CURLOPT_HTTPGET, 1L);
  } else if (request.method == "HEAD") {
    set(CURLOPT_CUSTOMREQUEST, static_cast<const char*>(nullptr));
    set(CURLOPT_NOBODY, 1L);
  } else {
    set(CURLOPT_NOBODY, 0L);
    set(CURLOPT_CUSTOMREQUEST,
        request.method == "POST" ? static_cast<const char*>(nullptr) : request.method.c_str());
    // Not copied: the Transfer owns the body until the handle is gone.
    set(CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(request.body.size()));
    set(CURLOPT_POSTFIELDS, request.body.c_str());
  }

  std::optional<Error> error;
  if (code != CURLE_OK) {
    error = Error(ErrorCategory::transport,
                  transfer.describe() + ": cannot set up the request: " + curl_easy_strerror(code));
  } else if (const CURLMcode added = curl_multi_add_handle(multi_.get(), easy); added != CURLM_OK) {
    error =
        Error(ErrorCategory::transport,
              transfer.describe() + ": cannot start the transfer: " + curl_multi_strerror(added));
  }
  if (error) {
    curl_easy_cleanup(easy);  // not back to the pool: its state is uncertain
    g_live_easy_handles.fetch_sub(1, std::memory_order_relaxed);
    transfer.easy = nullptr;
    transfer.headers.reset();
    return *error;
  }
  transfer.state = Transfer::State::running;
  in_flight_.fetch_add(1, std::memory_order_relaxed);
  ++lane_in_flight_[transfer.lane];

  if (trace_enabled(options_)) {
    std::string headers;
    for (const std::string& header : transfer.headers->lines()) {
      const std::string name = util::lower(header_name(header));
      headers += is_secret_header(name) ? name + ": <redacted>" : header;
      headers += "; ";
    }
    if (!options_.user_agent.empty()) headers += "User-Agent: " + options_.user_agent + "; ";
    SFQ_LOG_DEBUG("http #{} > {} {} | headers: {}| body {} bytes: {}", transfer.id, request.method,
                  url_for_messages(request.url), headers, request.body.size(),
                  body_prefix(request.body));
  }
  return {};
}

void HttpClient::remove_from_multi(Transfer& transfer) {
  check_thread("HttpClient::remove_from_multi");
  if (transfer.easy != nullptr) {
    if (curl_multi_remove_handle(multi_.get(), transfer.easy) == CURLM_OK) {
      return_easy_handle(transfer.easy);
    } else {
      curl_easy_cleanup(transfer.easy);
      g_live_easy_handles.fetch_sub(1, std::memory_order_relaxed);
    }
    transfer.easy = nullptr;
  }
  transfer.headers.reset();
  if (transfer.state == Transfer::State::running) {
    in_flight_.fetch_sub(1, std::memory_order_relaxed);
    --lane_in_flight_[transfer.lane];
    transfer.state = Transfer::State::done;  // idempotent; finish() or erasure follows
  }
}

std::string HttpClient::ca_store_description() const {
  if (!options_.ca_file.empty()) return "the CA file " + options_.ca_file;
  std::string where = ca_store_ ? ca_directory_ : ca_bundle_;
  if (ca_store_ && !ca_bundle_.empty()) where += ", " + ca_bundle_;
  return "the system CA store" + (where.empty() ? std::string() : " (" + where + ")");
}

void* HttpClient::take_easy_handle() {
  if (!idle_easy_.empty()) {
    // Not reset: the client's fixed options stay, and add_to_multi sets every other one. (A
    // reset, then the fixed options again, was a fifth of the handle's setup per request.)
    void* easy = idle_easy_.back();
    idle_easy_.pop_back();
    return easy;
  }
  CURL* easy = curl_easy_init();
  if (easy == nullptr) return nullptr;
  g_live_easy_handles.fetch_add(1, std::memory_order_relaxed);
  if (set_fixed_options(easy) != CURLE_OK) {
    curl_easy_cleanup(easy);
    g_live_easy_handles.fetch_sub(1, std::memory_order_relaxed);
    return nullptr;
  }
  return easy;
}

int HttpClient::set_fixed_options(void* handle) const {
  auto* easy = static_cast<CURL*>(handle);
  CURLcode code = CURLE_OK;
  auto set = [&](CURLoption option, auto value) {
    if (code == CURLE_OK) code = curl_easy_setopt(easy, option, value);
  };
  set(CURLOPT_PROTOCOLS_STR, "http,https");
  set(CURLOPT_NOSIGNAL, 1L);
  set(CURLOPT_PREREQFUNCTION, &CurlCallbacks::prereq);
  set(CURLOPT_CLOSESOCKETFUNCTION, &CurlCallbacks::close_socket);
  set(CURLOPT_CLOSESOCKETDATA, static_cast<void*>(const_cast<HttpClient*>(this)));
  set(CURLOPT_WRITEFUNCTION, &CurlCallbacks::write);
  set(CURLOPT_HEADERFUNCTION, &CurlCallbacks::header);
  set(CURLOPT_HTTP_CONTENT_DECODING, 0L);
  set(CURLOPT_HTTP_VERSION, static_cast<long>(CURL_HTTP_VERSION_2TLS));
  // No TCP keep-alive probes: libcurl's would start after 60 s idle, yet no request sits idle
  // that long (the server answers a held POST within 45 s) and libcurl reuses no connection
  // idle for more than 118 s (CURLOPT_MAXAGE_CONN); their setsockopt calls cost about 20 µs per
  // new connection (a tenth of sfq's CPU per statement in a burst of 1 000 held statements).
  set(CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(options_.connect_timeout.count()));
  // Over TLS libcurl copies each request into an upload buffer of the handle's, 64 KiB by
  // default (6.5 MB of heap for 100 handles; a large statement touches all of it), though a TLS
  // write takes 16 KiB at most. 16 KiB is libcurl's least; a larger body goes in more writes.
  set(CURLOPT_UPLOAD_BUFFERSIZE, 16384L);
  if (!options_.user_agent.empty()) set(CURLOPT_USERAGENT, options_.user_agent.c_str());
  set(CURLOPT_SSL_VERIFYPEER, options_.verify_tls ? 1L : 0L);
  set(CURLOPT_SSL_VERIFYHOST, options_.verify_tls ? 2L : 0L);
  if (ca_store_) {  // made only when verifying
    // libcurl loads no CA itself: each new connection gets the shared store over the directory.
    set(CURLOPT_CAINFO, static_cast<const char*>(nullptr));
    set(CURLOPT_CAPATH, static_cast<const char*>(nullptr));
    set(CURLOPT_SSL_CTX_FUNCTION, &CurlCallbacks::ssl_context);
    set(CURLOPT_SSL_CTX_DATA, ca_store_.get());
  } else if (!ca_bundle_.empty()) {
    set(CURLOPT_CAINFO, ca_bundle_.c_str());
    // Debian's libcurl has a default CA directory; while it is set, the CA cache is off and
    // every new TLS connection re-reads the whole store (17.8 ms instead of 0.55 ms here).
    set(CURLOPT_CAPATH, static_cast<const char*>(nullptr));
  }
  if (share_) set(CURLOPT_SHARE, share_.get());
  return static_cast<int>(code);
}

void HttpClient::return_easy_handle(void* handle) noexcept {
  auto* easy = static_cast<CURL*>(handle);
  // Nothing of the finished transfer stays reachable from the idle handle: its Transfer, its
  // header list and its body are about to go.
  curl_easy_setopt(easy, CURLOPT_PRIVATE, static_cast<void*>(nullptr));
  curl_easy_setopt(easy, CURLOPT_ERRORBUFFER, static_cast<char*>(nullptr));
  curl_easy_setopt(easy, CURLOPT_PREREQDATA, static_cast<void*>(nullptr));
  curl_easy_setopt(easy, CURLOPT_WRITEDATA, static_cast<void*>(nullptr));
  curl_easy_setopt(easy, CURLOPT_HEADERDATA, static_cast<void*>(nullptr));
  curl_easy_setopt(easy, CURLOPT_HTTPHEADER, static_cast<curl_slist*>(nullptr));
  curl_easy_setopt(easy, CURLOPT_POSTFIELDS, static_cast<const char*>(nullptr));
  if (idle_easy_.size() < kIdleEasyHandles) {
    try {
      idle_easy_.push_back(easy);
      return;
    } catch (...) {  // no room to keep it: clean it up below
    }
  }
  curl_easy_cleanup(easy);
  g_live_easy_handles.fetch_sub(1, std::memory_order_relaxed);
}

void HttpClient::promote_queued() {
  for (std::size_t lane = 0; lane < queues_.size(); ++lane) {
    auto& queue = queues_[lane];
    while (!queue.empty() && lane_in_flight_[lane] < lane_limit(lane)) {
      const TransferId id = queue.front();
      queue.pop_front();
      const auto found = transfers_.find(id);
      if (found == transfers_.end() || found->second->state != Transfer::State::queued) continue;
      Transfer& transfer = *found->second;
      queued_.fetch_sub(1, std::memory_order_relaxed);
      if (transfer.queue_timer != 0) {
        loop_.cancel_timer(transfer.queue_timer);
        transfer.queue_timer = 0;
      }
      if (Status added = add_to_multi(transfer); !added.ok()) finish(transfer, added.error());
    }
  }
}

void HttpClient::expire_queued(TransferId id) {
  const auto found = transfers_.find(id);
  if (found == transfers_.end() || found->second->state != Transfer::State::queued) return;
  Transfer& transfer = *found->second;
  transfer.queue_timer = 0;
  queued_.fetch_sub(1, std::memory_order_relaxed);
  finish(transfer,
         Error(ErrorCategory::timeout, transfer.describe() + " timed out after " +
                                           std::to_string(transfer.request.timeout.count()) +
                                           " ms waiting for a connection slot"));
  deliver_completions();
}

void HttpClient::finish(Transfer& transfer, sfq::Result<HttpResponse> result) {
  transfer.state = Transfer::State::done;
  transfer.outcome.emplace(std::move(result));
  done_.push_back(transfer.id);
}

void HttpClient::schedule_delivery() {
  if (delivery_timer_ != 0) return;
  delivery_timer_ = loop_.add_timer(std::chrono::milliseconds(0), [this] {
    delivery_timer_ = 0;
    deliver_completions();
  });
}

void HttpClient::deliver_completions() {
  if (delivering_) return;  // a callback's own start() failure joins the running pass
  delivering_ = true;
  for (std::size_t i = 0; i < done_.size(); ++i) {
    const auto found = transfers_.find(done_[i]);
    if (found == transfers_.end()) continue;  // cancelled after it finished
    const std::unique_ptr<Transfer> transfer = std::move(found->second);
    transfers_.erase(found);
    Callback done = std::move(transfer->done);
    sfq::Result<HttpResponse> outcome = std::move(*transfer->outcome);
    if (!done) continue;
    try {
      done(std::move(outcome));
    } catch (const std::exception& e) {
      SFQ_LOG_ERROR("http: a completion callback threw: {}", e.what());
    } catch (...) {
      SFQ_LOG_ERROR("http: a completion callback threw a non-standard exception");
    }
  }
  done_.clear();
  delivering_ = false;
}

int HttpClient::on_curl_close_socket(int fd) noexcept {
  // libcurl sometimes reports CURL_POLL_REMOVE only after it has closed the socket, by which
  // time the number may belong to a new descriptor of another thread (an in-process server, a
  // file): an EPOLL_CTL_DEL then would act on the wrong one. So stop watching here, while the
  // descriptor is still ours; the late REMOVE then finds nothing to do.
  if (sockets_.erase(fd) > 0) loop_.unwatch(fd);
  ++sockets_closed_;
  return ::close(fd);
}

int HttpClient::on_curl_socket(void* easy, int fd, int what) noexcept {
  try {
    if (what == CURL_POLL_REMOVE) {
      if (sockets_.erase(fd) > 0) loop_.unwatch(fd);
      return 0;
    }
    std::uint32_t events = 0;
    if ((what & CURL_POLL_IN) != 0) events |= EPOLLIN;
    if ((what & CURL_POLL_OUT) != 0) events |= EPOLLOUT;
    Status status;
    const auto known = sockets_.find(fd);
    if (known == sockets_.end()) {
      status = loop_.watch(fd, events,
                           [this, fd](std::uint32_t revents) { on_socket_event(fd, revents); });
      if (status.ok()) sockets_.emplace(fd, events);
    } else if (known->second != events) {
      status = loop_.modify(fd, events);
      if (status.ok()) known->second = events;
    }
    if (!status.ok()) {
      SFQ_LOG_ERROR("http: {}", status.error().message());
      // Without a watch the transfer would hang until its timeout: fail it once libcurl returns.
      // (curl_easy_getinfo is an easy-handle call, allowed inside multi callbacks.)
      char* owner = nullptr;
      if (easy != nullptr &&
          curl_easy_getinfo(static_cast<CURL*>(easy), CURLINFO_PRIVATE, &owner) == CURLE_OK &&
          owner != nullptr) {
        broken_.push_back(reinterpret_cast<Transfer*>(owner)->id);
      }
    }
  } catch (const std::exception& e) {
    SFQ_LOG_ERROR("http: socket callback failed: {}", e.what());
  }
  return 0;  // -1 would abort every transfer of the multi handle
}

int HttpClient::on_curl_timer_change(long timeout_ms) noexcept {  // NOLINT(runtime/int)
  try {
    // Each call replaces the previous deadline; -1 deletes it. 0 runs at the next iteration,
    // never from inside this callback (libcurl forbids the recursion). libcurl moves its
    // deadline on almost every call, mostly later: a loop timer already armed for an earlier
    // time is kept (when it fires it re-arms for the deadline then in force), so only a deadline
    // earlier than the armed timer costs a new one.
    if (timeout_ms < 0) {
      curl_deadline_.reset();  // an armed timer finds nothing to do
      return 0;
    }
    const auto when = EventLoop::Clock::now() + std::chrono::milliseconds(timeout_ms);
    curl_deadline_ = when;
    arm_curl_timer(when);
    return 0;
  } catch (const std::exception& e) {
    SFQ_LOG_ERROR("http: timer callback failed: {}", e.what());
    return -1;  // libcurl fails the transfers rather than leave them without a heartbeat
  }
}

void HttpClient::arm_curl_timer(EventLoop::Clock::time_point when) {
  if (curl_timer_ != 0) {
    if (curl_timer_due_ <= when) return;  // fires first, then re-arms
    loop_.cancel_timer(curl_timer_);
    curl_timer_ = 0;
  }
  curl_timer_ = loop_.add_timer(when, [this] {
    curl_timer_ = 0;
    if (!curl_deadline_) return;
    if (EventLoop::Clock::now() < *curl_deadline_) {
      arm_curl_timer(*curl_deadline_);  // libcurl moved its deadline later meanwhile
      return;
    }
    curl_deadline_.reset();
    on_curl_timer();
  });
  curl_timer_due_ = when;
}

void HttpClient::on_socket_event(int fd, std::uint32_t revents) {
  check_thread("HttpClient::on_socket_event");
  int action = 0;
  if ((revents & EPOLLIN) != 0) action |= CURL_CSELECT_IN;
  if ((revents & EPOLLOUT) != 0) action |= CURL_CSELECT_OUT;
  // With IN/OUT alongside, libcurl still reads the socket and reports the real cause (e.g. a
  // reset) instead of a generic "select/poll returned error".
  if ((revents & (EPOLLERR | EPOLLHUP)) != 0) action |= CURL_CSELECT_ERR;
  int running = 0;
  const CURLMcode result = curl_multi_socket_action(multi_.get(), fd, action, &running);
  after_socket_action(result);
}

void HttpClient::on_curl_timer() {
  check_thread("HttpClient::on_curl_timer");
  int running = 0;
  const CURLMcode result = curl_multi_socket_action(multi_.get(), CURL_SOCKET_TIMEOUT, 0, &running);
  after_socket_action(result);
}

void HttpClient::after_socket_action(int result) {
  if (result != CURLM_OK) {
    // The multi handle's state is uncertain after an error and must not be driven again until
    // every handle is removed: fail them all.
    const std::string message =
        std::string("libcurl failed: ") + curl_multi_strerror(static_cast<CURLMcode>(result));
    SFQ_LOG_ERROR("http: {}", message);
    for (auto& [id, transfer] : transfers_) {
      if (transfer->state != Transfer::State::running) continue;
      remove_from_multi(*transfer);
      finish(*transfer, Error(ErrorCategory::transport, transfer->describe() + ": " + message));
    }
  }
  collect_completions();
  for (const TransferId id : broken_) {
    // By id: collect_completions() may have finished (and freed the handle of) it already.
    const auto found = transfers_.find(id);
    if (found == transfers_.end() || found->second->state != Transfer::State::running) continue;
    Transfer& transfer = *found->second;
    remove_from_multi(transfer);
    finish(transfer, Error(ErrorCategory::transport,
                           transfer.describe() + " failed: cannot watch its socket"));
  }
  broken_.clear();
  promote_queued();
  deliver_completions();
}

void HttpClient::collect_completions() {
  int left = 0;
  while (CURLMsg* message = curl_multi_info_read(multi_.get(), &left)) {
    if (message->msg != CURLMSG_DONE) continue;
    // The message dies with curl_multi_remove_handle: copy what we need first.
    CURL* easy = message->easy_handle;
    const CURLcode code = message->data.result;
    char* owner = nullptr;
    curl_easy_getinfo(easy, CURLINFO_PRIVATE, &owner);
    Transfer& transfer = *reinterpret_cast<Transfer*>(owner);
    long status = 0;  // NOLINT(runtime/int): libcurl's type
    curl_easy_getinfo(easy, CURLINFO_RESPONSE_CODE, &status);
    double total_seconds = 0;
    curl_easy_getinfo(easy, CURLINFO_TOTAL_TIME, &total_seconds);
    curl_off_t pretransfer = 0;
    curl_easy_getinfo(easy, CURLINFO_PRETRANSFER_TIME_T, &pretransfer);
    long os_errno = 0;  // NOLINT(runtime/int): libcurl's type
    curl_easy_getinfo(easy, CURLINFO_OS_ERRNO, &os_errno);
    remove_from_multi(transfer);

    HttpResponse& response = transfer.response;
    response.status = static_cast<int>(status);
    response.total_seconds = total_seconds;
    if (code == CURLE_OK && !transfer.too_large && !transfer.out_of_memory &&
        !transfer.headers_too_large) {
      if (trace_enabled(options_)) {
        std::string headers;
        for (const auto [name, value] : response.headers) {
          headers.append(name).append(": ").append(is_secret_header(name) ? "<redacted>" : value);
          headers += "; ";
        }
        SFQ_LOG_DEBUG("http #{} < {} {} {} in {:.3f} s | headers: {}| body {} bytes{}{}",
                      transfer.id, response.status, transfer.request.method,
                      url_for_messages(transfer.request.url), total_seconds, headers,
                      response.body.size(), response.is_gzip() ? " (gzip)" : ": ",
                      response.is_gzip() ? std::string() : body_prefix(response.body));
      }
      finish(transfer, std::move(response));
      continue;
    }
    ErrorInfo info;
    ErrorDetail detail_kind = ErrorDetail::none;
    info.http_status = response.status;
    if (transfer.too_large || code == CURLE_FILESIZE_EXCEEDED) {
      info.category = ErrorCategory::protocol;
      info.message = transfer.describe() + ": response body exceeds the limit of " +
                     std::to_string(transfer.max_body) + " bytes (max_response_bytes)";
    } else if (transfer.headers_too_large) {
      info.category = ErrorCategory::protocol;
      info.message = transfer.describe() + ": the response's headers exceed the limit of " +
                     std::to_string(kMaxHeaderBytes) + " bytes";
    } else if (transfer.out_of_memory) {
      info.category = ErrorCategory::transport;
      info.message = transfer.describe() + " failed: out of memory storing the response";
    } else {
      const std::string detail = transfer.error_buffer[0] != '\0'
                                     ? std::string(transfer.error_buffer.data())
                                     : std::string(curl_easy_strerror(code));
      // Before the connection was ready to carry the request (name lookup, connect, TLS
      // handshake) nothing of it can have reached the server.
      transfer.nothing_sent =
          !transfer.request_left &&
          (code == CURLE_COULDNT_RESOLVE_HOST || code == CURLE_COULDNT_RESOLVE_PROXY ||
           code == CURLE_COULDNT_CONNECT ||
           (pretransfer <= 0 && response.status == 0 && response.headers.empty()));
      if (transfer.nothing_sent) {
        info.category = ErrorCategory::transport;
        detail_kind = ErrorDetail::cannot_connect;
        info.message = transfer.describe() + " cannot connect: " + detail;
        // curl's text ("Couldn't connect to server") does not say refused from unreachable.
        if (os_errno != 0)
          info.message += " (" + std::string(std::strerror(static_cast<int>(os_errno))) + ")";
      } else if (code == CURLE_OPERATION_TIMEDOUT) {
        info.category = ErrorCategory::timeout;
        const bool stalled = transfer.request.stall_timeout.count() > 0 &&
                             detail.find("too slow") != std::string::npos;
        if (stalled) detail_kind = ErrorDetail::stalled;
        info.message = transfer.describe() + (stalled ? " stalled: " : " timed out: ") + detail;
      } else {
        info.category = ErrorCategory::transport;
        info.message = transfer.describe() + " failed: " + detail;
      }
      if (code == CURLE_PEER_FAILED_VERIFICATION) {
        detail_kind = ErrorDetail::untrusted_certificate;
        // The fix is the user's to make; say which store was used and what to change.
        info.message += ". The server's certificate is not trusted by " + ca_store_description() +
                        ": add the CA that signed it to the system store (update-ca-certificates)"
                        " or name a CA bundle with ca_file";
      } else if (code == CURLE_SSL_CACERT_BADFILE) {
        info.message += ". Cannot read the CA bundle " + ca_bundle_ + ": check ca_file";
      } else if (code == CURLE_SSL_CONNECT_ERROR &&
                 detail.find("wrong version number") != std::string::npos) {
        // OpenSSL read something that is not TLS where the server's first record should be:
        // most often a plain-HTTP server's answer.
        info.message +=
            ". The server does not speak TLS on this port: if it serves plain HTTP (a local "
            "mock_snowflake started without --tls-cert), set protocol = \"http\"";
      }
    }
    if (trace_enabled(options_)) SFQ_LOG_DEBUG("http #{} ! {}", transfer.id, info.message);
    finish(transfer, Error(std::move(info), detail_kind));
  }
}

}  // namespace sfq::detail

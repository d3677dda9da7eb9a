// Unit tests for sfq::detail::HttpClient over real loopback sockets against cpp-httplib servers
// (plain and TLS with a certificate made in the test): methods, headers, gzip bodies kept
// compressed, keep-alive reuse, cancellation, transport/timeout/size errors, the in-flight limit
// and its queue, 1 000 concurrent held requests, trace logging without secrets, and that libcurl
// is only ever called on the loop thread. Every wait has a deadline; nothing sleeps to
// synchronise (the server's handlers sleep only to simulate slow work).
#include <netinet/in.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <sys/inotify.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <httplib.h>

#include <algorithm>
#include <atomic>
#include <cctype>
#include <cerrno>
#include <chrono>
#include <condition_variable>
#include <csignal>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <future>
#include <iostream>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

#include "io/event_loop.hpp"
#include "io/http_client.hpp"
#include "sfq/log.hpp"
#include "support/loop_support.hpp"
#include "support/self_signed_certificate.hpp"
#include "support/stuck_listener.hpp"
#include "support/zlib_support.hpp"

// ThreadSanitizer: the test servers' libcpp-httplib is a prebuilt, uninstrumented library. Its
// function-local statics (e.g. the set of HTTP methods in the request parser) are published by an
// inline acquire load that TSan cannot see, so the first worker thread's construction and another
// worker's read look like a race. Only reports with a libcpp-httplib frame are suppressed; our
// code, the test's handlers and libcurl are still checked.
#if defined(__SANITIZE_THREAD__)
extern "C" const char* __tsan_default_suppressions() { return "race:libcpp-httplib.so\n"; }
#endif

namespace {

using sfq::ErrorCategory;
using sfq::detail::EventLoop;
using sfq::detail::HttpClient;
using sfq::detail::HttpClientOptions;
using sfq::detail::HttpHeaderFields;
using sfq::detail::HttpRequest;
using sfq::detail::HttpResponse;
using testing::HasSubstr;
using testing::Not;
using namespace std::chrono_literals;

using HttpResult = sfq::Result<HttpResponse>;

// Generous: sanitizer builds on two shared cores are slow, and a deadline only matters on failure.
constexpr auto kDeadline = 120s;

// ---------------------------------------------------------------------------------------------
// Helpers

using test_support::gunzip;
using test_support::gzip;
using test_support::run_on;
using test_support::Shared;

bool looks_gzipped(std::string_view body) {
  return body.size() >= 2 && static_cast<unsigned char>(body[0]) == 0x1f &&
         static_cast<unsigned char>(body[1]) == 0x8b;
}

// The shared self-signed certificate for 127.0.0.1 and localhost (test/support), as the OpenSSL
// objects the in-process TLS server takes and as a PEM file to name as ca_file.
struct SelfSignedCertificate {
  EVP_PKEY* key = nullptr;
  X509* cert = nullptr;
  std::string pem_path;

  SelfSignedCertificate() {
    const ::sfq::test_support::CertificatePem pem =
        ::sfq::test_support::self_signed_certificate_pem();
    BIO* cert_bio =
        BIO_new_mem_buf(pem.certificate.data(), static_cast<int>(pem.certificate.size()));
    BIO* key_bio = BIO_new_mem_buf(pem.key.data(), static_cast<int>(pem.key.size()));
    cert = PEM_read_bio_X509(cert_bio, nullptr, nullptr, nullptr);
    key = PEM_read_bio_PrivateKey(key_bio, nullptr, nullptr, nullptr);
    BIO_free(cert_bio);
    BIO_free(key_bio);
    if (key == nullptr || cert == nullptr) return;
    pem_path = testing::TempDir() + "sfq_io_test_ca_" + std::to_string(::getpid()) + ".pem";
    std::ofstream(pem_path, std::ios::binary) << pem.certificate;
  }
  ~SelfSignedCertificate() {
    if (!pem_path.empty()) std::remove(pem_path.c_str());
    X509_free(cert);
    EVP_PKEY_free(key);
  }
  SelfSignedCertificate(const SelfSignedCertificate&) = delete;
  SelfSignedCertificate& operator=(const SelfSignedCertificate&) = delete;
};

// What the test servers observed.
struct ServerStats {
  std::atomic<int> current{0};         // requests inside a /hold handler now
  std::atomic<int> max_concurrent{0};  // the most at once
  std::atomic<int> entered_block{0};   // requests that reached /block or /partial
  std::atomic<int> partial_sent{0};    // /partial responses that sent their first chunk
  std::mutex mutex;
  std::condition_variable gate_cv;
  bool gate_open = false;       // guarded by mutex: releases /block and /partial
  std::set<int> remote_ports;   // guarded by mutex: one per TCP connection seen by /conn
  int arrived = 0;              // guarded by mutex: requests that reached /barrier
  std::atomic<int> resumed{0};  // /bye requests over a TLS connection that resumed a session

  void open_gate() {
    std::lock_guard lock(mutex);
    gate_open = true;
    gate_cv.notify_all();
  }
  void wait_for_gate() {
    std::unique_lock lock(mutex);
    gate_cv.wait_for(lock, kDeadline, [this] { return gate_open; });
  }
  std::size_t connections() {
    std::lock_guard lock(mutex);
    return remote_ports.size();
  }
};

// Waits (with a deadline) until `counter` reaches `value`. The server runs on other threads and
// offers no notification, so this polls, yielding; it never sleeps a fixed time.
bool wait_until_at_least(const std::atomic<int>& counter, int value) {
  const auto deadline = std::chrono::steady_clock::now() + kDeadline;
  while (counter.load() < value) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::yield();
  }
  return true;
}

void install_routes(httplib::Server& server, ServerStats& stats) {
  server.Get("/hello", [](const httplib::Request&, httplib::Response& res) {
    res.set_header("X-Test", "Value");
    res.set_header("X-Spaced", "  padded  ");
    res.set_content("hello", "application/octet-stream");
  });
  const auto echo = [](const httplib::Request& req, httplib::Response& res) {
    res.set_header("X-Echo-Method", req.method);
    for (const char* name :
         {"Content-Type", "X-Custom", "Accept-Encoding", "User-Agent", "Authorization", "Expect"}) {
      if (req.has_header(name))
        res.set_header(std::string("X-Echo-") + name, req.get_header_value(name));
    }
    res.set_content(req.body, "application/octet-stream");
  };
  server.Post("/echo", echo);
  server.Put("/echo", echo);
  server.Delete("/echo", echo);
  server.Get(R"(/status/(\d+))", [](const httplib::Request& req, httplib::Response& res) {
    res.status = std::stoi(req.matches[1]);
    res.set_content("status body", "application/octet-stream");
  });
  server.Get("/gzip", [](const httplib::Request& req, httplib::Response& res) {
    std::string plain;
    for (int i = 0; i < 2000; ++i) plain += "row " + std::to_string(i) + ",";
    res.set_header("Content-Encoding", "gzip");
    res.set_header("X-Plain-Size", std::to_string(plain.size()));
    res.set_content(gzip(plain), "application/octet-stream");
    (void)req;
  });
  // httplib itself compresses JSON when the client accepts gzip: a realistic server.
  server.Get("/json", [](const httplib::Request&, httplib::Response& res) {
    std::string json = "[";
    for (int i = 0; i < 1000; ++i) json += (i == 0 ? "" : ",") + std::string("\"value\"");
    res.set_content(json + "]", "application/json");
  });
  server.Get("/hold", [&stats](const httplib::Request& req, httplib::Response& res) {
    const int now = ++stats.current;
    int seen = stats.max_concurrent.load();
    while (now > seen && !stats.max_concurrent.compare_exchange_weak(seen, now)) {
    }
    // Simulated work on the server, not synchronisation.
    std::this_thread::sleep_for(std::chrono::milliseconds(std::stoi(req.get_param_value("ms"))));
    --stats.current;
    res.set_content(req.get_param_value("id"), "application/octet-stream");
  });
  // Answers only once `n` requests are inside the handler at the same time (503 if that does not
  // happen before the deadline): proof that the client really had them all in flight at once.
  server.Get("/barrier", [&stats](const httplib::Request& req, httplib::Response& res) {
    const int needed = std::stoi(req.get_param_value("n"));
    std::unique_lock lock(stats.mutex);
    ++stats.arrived;
    stats.gate_cv.notify_all();
    const bool all_there =
        stats.gate_cv.wait_for(lock, kDeadline, [&] { return stats.arrived >= needed; });
    res.status = all_there ? 200 : 503;
    res.set_content(req.get_param_value("id"), "application/octet-stream");
  });
  server.Get("/block", [&stats](const httplib::Request&, httplib::Response& res) {
    ++stats.entered_block;
    stats.wait_for_gate();
    res.set_content("released", "application/octet-stream");
  });
  server.Get("/partial", [&stats](const httplib::Request&, httplib::Response& res) {
    ++stats.entered_block;
    res.set_chunked_content_provider("application/octet-stream",
                                     [&stats](std::size_t offset, httplib::DataSink& sink) {
                                       if (offset == 0) {
                                         sink.write("first chunk", 11);
                                         ++stats.partial_sent;
                                         return true;
                                       }
                                       stats.wait_for_gate();
                                       sink.write("rest", 4);
                                       sink.done();
                                       return true;
                                     });
  });
  server.Get("/big", [](const httplib::Request& req, httplib::Response& res) {
    res.set_content(std::string(std::stoul(req.get_param_value("n")), 'x'),
                    "application/octet-stream");
  });
  server.Get("/big-chunked", [](const httplib::Request& req, httplib::Response& res) {
    const std::size_t total = std::stoul(req.get_param_value("n"));
    res.set_chunked_content_provider(
        "application/octet-stream", [total](std::size_t offset, httplib::DataSink& sink) {
          const std::string chunk(std::min<std::size_t>(1000, total - offset), 'y');
          sink.write(chunk.data(), chunk.size());
          if (offset + chunk.size() >= total) sink.done();
          return true;
        });
  });
  // Promises 1000 bytes, sends 10, then drops the connection.
  server.Get("/truncated", [](const httplib::Request&, httplib::Response& res) {
    res.set_content_provider(1000, "application/octet-stream",
                             [](std::size_t offset, std::size_t, httplib::DataSink& sink) {
                               if (offset > 0) return false;
                               sink.write("0123456789", 10);
                               return true;
                             });
  });
  // Answers and closes the connection, so the next request needs a new one.
  server.Get("/bye", [&stats](const httplib::Request& req, httplib::Response& res) {
    {
      std::lock_guard lock(stats.mutex);
      stats.remote_ports.insert(req.remote_port);
    }
    if (req.ssl != nullptr && SSL_session_reused(const_cast<SSL*>(req.ssl)) == 1) ++stats.resumed;
    res.set_header("Connection", "close");
    res.set_content("bye", "text/plain");
  });
  server.Get("/conn", [&stats](const httplib::Request& req, httplib::Response& res) {
    {
      std::lock_guard lock(stats.mutex);
      stats.remote_ports.insert(req.remote_port);
    }
    res.set_content(std::to_string(req.remote_port), "application/octet-stream");
  });
}

// A cpp-httplib server on 127.0.0.1, on a free port, listening on its own thread.
template <typename Base>
class LoopbackServer : public Base {
 public:
  using Base::Base;
  LoopbackServer(const LoopbackServer&) = delete;
  LoopbackServer& operator=(const LoopbackServer&) = delete;
  ~LoopbackServer() override { shutdown(); }

  // Binds and starts serving with `threads` workers. httplib serves a keep-alive connection on
  // one worker for its whole life, so a test that wants N concurrent requests needs N workers.
  [[nodiscard]] bool begin(int threads) {
    this->new_task_queue = [threads] {
      return new httplib::ThreadPool(static_cast<std::size_t>(threads));
    };
    this->set_keep_alive_max_count(1000000);
    this->set_keep_alive_timeout(30);
    this->set_tcp_nodelay(true);  // else Nagle meets delayed ACKs: 40 ms per small response
    port_ = this->bind_to_any_port("127.0.0.1");
    if (port_ <= 0) return false;
    // httplib's backlog is compiled in as 5; 1 000 simultaneous connects need more. Linux lets
    // a listening socket be listened on again to change its backlog.
    if (::listen(this->svr_sock_, 4096) != 0) return false;
    thread_ = std::thread([this] { this->listen_after_bind(); });
    return true;
  }
  void shutdown() {
    this->stop();
    if (thread_.joinable()) thread_.join();
  }
  [[nodiscard]] int port() const { return port_; }

 private:
  int port_ = 0;
  std::thread thread_;
};

using PlainServer = LoopbackServer<httplib::Server>;
using TlsServer = LoopbackServer<httplib::SSLServer>;

// ---------------------------------------------------------------------------------------------
// Fixture: a running loop, clients made and destroyed on it, servers torn down after clients
// (so that no server worker waits on a client's idle keep-alive connection).

class Http : public ::testing::Test {
 protected:
  void SetUp() override { loop_.start("sfq-io-test"); }

  void TearDown() override {
    destroy_clients();
    for (auto& server : servers_) server->open_gate_and_stop();
    servers_.clear();
  }

  struct Served {
    ServerStats stats;
    std::unique_ptr<PlainServer> plain;
    std::unique_ptr<TlsServer> tls;
    void open_gate_and_stop() {
      stats.open_gate();
      if (plain) plain->shutdown();
      if (tls) tls->shutdown();
    }
  };

  // A plain HTTP server with every route; its base URL is returned in `base`.
  Served& serve(std::string& base, int threads = 16) {
    auto served = std::make_unique<Served>();
    served->plain = std::make_unique<PlainServer>();
    install_routes(*served->plain, served->stats);
    EXPECT_TRUE(served->plain->begin(threads));
    base = "http://127.0.0.1:" + std::to_string(served->plain->port());
    servers_.push_back(std::move(served));
    return *servers_.back();
  }

  // `resumable` false: the server resumes no TLS session (no tickets, no session cache), so
  // that every connection makes a full handshake and verifies the certificate.
  Served& serve_tls(std::string& base, const SelfSignedCertificate& certificate,
                    bool resumable = true) {
    auto served = std::make_unique<Served>();
    served->tls = std::make_unique<TlsServer>(certificate.cert, certificate.key);
    EXPECT_TRUE(served->tls->is_valid());
    if (!resumable) {
      SSL_CTX* context = served->tls->ssl_context();
      SSL_CTX_set_options(context, SSL_OP_NO_TICKET);
      SSL_CTX_set_session_cache_mode(context, SSL_SESS_CACHE_OFF);
      SSL_CTX_set_num_tickets(context, 0);
    }
    install_routes(*served->tls, served->stats);
    EXPECT_TRUE(served->tls->begin(8));
    base = "https://127.0.0.1:" + std::to_string(served->tls->port());
    servers_.push_back(std::move(served));
    return *servers_.back();
  }

  HttpClient& client(HttpClientOptions options = {}) {
    HttpClient* made = run_on(loop_, [&] {
      clients_.push_back(std::make_unique<HttpClient>(loop_, std::move(options)));
      return clients_.back().get();
    });
    return *made;
  }

  void destroy_clients() {
    run_on(loop_, [&] {
      for (const auto& c : clients_) EXPECT_EQ(c->curl_calls_off_loop_thread(), 0U);
      clients_.clear();
      return 0;
    });
  }

  HttpResult fetch(HttpClient& http, HttpRequest request) {
    auto promise = std::make_shared<std::promise<HttpResult>>();
    auto future = promise->get_future();
    EXPECT_TRUE(loop_.post([&http, promise, request = std::move(request)]() mutable {
      (void)http.start(std::move(request),
                       [promise](HttpResult result) { promise->set_value(std::move(result)); });
    }));
    if (future.wait_for(kDeadline) != std::future_status::ready) {
      std::cerr << "a request did not complete in time\n";
      std::abort();
    }
    return future.get();
  }

  HttpResult get(HttpClient& http, const std::string& url) {
    HttpRequest request;
    request.url = url;
    return fetch(http, std::move(request));
  }

  // The reason sfq exists: a request the server holds (a statement running synchronously for up
  // to 45 s) must not hold up others to the same host, even when it is the first to go there.
  void expect_held_request_does_not_delay_others(HttpClient& http, const std::string& base,
                                                 ServerStats& stats) {
    struct State {
      std::optional<HttpResult> held;
      std::vector<HttpResult> quick;
    };
    Shared<State> state;
    run_on(loop_, [&] {
      HttpRequest held;
      held.url = base + "/block";
      (void)http.start(std::move(held), [&state](HttpResult result) {
        state.update([&](State& s) { s.held.emplace(std::move(result)); });
      });
      for (int i = 0; i < 3; ++i) {
        HttpRequest quick;
        quick.url = base + "/hello";
        (void)http.start(std::move(quick), [&state](HttpResult result) {
          state.update([&](State& s) { s.quick.push_back(std::move(result)); });
        });
      }
      return 0;
    });
    ASSERT_TRUE(state.wait([](const State& s) { return s.quick.size() == 3; }, 30s))
        << "requests queued behind a held one";
    state.read([](const State& s) {
      EXPECT_FALSE(s.held.has_value());
      for (const HttpResult& result : s.quick) EXPECT_TRUE(result.ok());
    });
    stats.open_gate();
    ASSERT_TRUE(state.wait([](const State& s) { return s.held.has_value(); }));
    state.read([](const State& s) { EXPECT_TRUE(s.held->ok()); });
  }

  EventLoop loop_;
  std::vector<std::unique_ptr<HttpClient>> clients_;
  std::vector<std::unique_ptr<Served>> servers_;
};

// ---------------------------------------------------------------------------------------------
// Requests and responses

TEST(HttpHeaderFields, KeepsEveryFieldInOrderWithLowerCaseNamesPastItsFirstSizing) {
  HttpHeaderFields fields;
  EXPECT_TRUE(fields.empty());
  EXPECT_EQ(fields.find("absent"), "");
  // More fields, and more bytes, than the list is first sized for: its text moves as it grows.
  std::vector<std::pair<std::string, std::string>> sent;
  for (int i = 0; i < 40; ++i) {
    sent.emplace_back("X-Field-" + std::to_string(i),
                      std::string(40, static_cast<char>('a' + i % 26)));
  }
  sent.emplace_back("X-FIELD-3", "the second of that name");
  sent.emplace_back("Empty", "");
  for (const auto& [name, value] : sent) fields.add(name, value);
  ASSERT_EQ(fields.size(), sent.size());
  std::size_t i = 0;
  for (const auto [name, value] : fields) {
    ASSERT_LT(i, sent.size());
    std::string lower = sent[i].first;
    std::transform(lower.begin(), lower.end(), lower.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    EXPECT_EQ(name, lower);
    EXPECT_EQ(value, sent[i].second) << name;
    ++i;
  }
  EXPECT_EQ(i, sent.size());
  EXPECT_EQ(fields.find("x-field-3"), std::string(40, 'd')) << "the first of a repeated name";
  EXPECT_EQ(fields.find("X-Field-3"), "") << "look-ups take lower-case names";
  EXPECT_EQ(fields.find("empty"), "");
  EXPECT_EQ(fields[fields.size() - 1].first, "empty");
  // A copy is independent of the original.
  const HttpHeaderFields copy = fields;
  fields.clear();
  EXPECT_TRUE(fields.empty());
  EXPECT_EQ(fields.begin(), fields.end());
  EXPECT_EQ(fields.find("x-field-0"), "");
  EXPECT_EQ(copy.size(), sent.size());
  EXPECT_EQ(copy.find("x-field-39"), std::string(40, 'n'));
  fields.add("Content-Type", "application/json");
  EXPECT_EQ(fields.find("content-type"), "application/json");
}

TEST_F(Http, GetReturnsStatusLowerCaseHeadersAndBody) {
  std::string base;
  serve(base);
  HttpClient& http = client();
  const HttpResult result = get(http, base + "/hello");
  ASSERT_TRUE(result.ok()) << result.error().what();
  EXPECT_EQ(result->status, 200);
  EXPECT_EQ(result->body, "hello");
  EXPECT_EQ(result->header("x-test"), "Value");
  EXPECT_EQ(result->header("x-spaced"), "padded");
  EXPECT_EQ(result->header("content-length"), "5");
  EXPECT_EQ(result->header("X-Test"), "");  // lookups take lower-case names
  EXPECT_EQ(result->header("absent"), "");
  EXPECT_FALSE(result->is_gzip());
  EXPECT_FALSE(result->headers.empty());
  for (const auto& [name, value] : result->headers) {
    EXPECT_TRUE(std::none_of(name.begin(), name.end(), [](char c) { return std::isupper(c); }))
        << name;
  }
}

TEST_F(Http, PostSendsTheBodyAndHeaders) {
  std::string base;
  serve(base);
  HttpClientOptions options;
  options.user_agent = "sfq-test/1.0";
  HttpClient& http = client(options);
  HttpRequest request;
  request.method = "POST";
  request.url = base + "/echo";
  request.headers = {"Content-Type: application/json", "X-Custom: custom value"};
  // Binary, with NULs, and large enough (2 MiB) that libcurl would normally send
  // "Expect: 100-continue" and wait.
  std::string body(2 * 1024 * 1024, '\0');
  for (std::size_t i = 0; i < body.size(); ++i) body[i] = static_cast<char>(i * 7);
  request.body = body;
  const HttpResult result = fetch(http, request);
  ASSERT_TRUE(result.ok()) << result.error().what();
  EXPECT_EQ(result->status, 200);
  EXPECT_EQ(result->header("x-echo-method"), "POST");
  EXPECT_EQ(result->header("x-echo-content-type"), "application/json");
  EXPECT_EQ(result->header("x-echo-x-custom"), "custom value");
  EXPECT_EQ(result->header("x-echo-accept-encoding"), "gzip");
  EXPECT_EQ(result->header("x-echo-user-agent"), "sfq-test/1.0");
  EXPECT_EQ(result->header("x-echo-expect"), "");
  EXPECT_TRUE(result->body == body) << "echoed body differs, " << result->body.size() << " bytes";
}

TEST_F(Http, PutDeleteAndEmptyPostUseTheirMethods) {
  std::string base;
  serve(base);
  HttpClient& http = client();
  for (const std::string method : {"PUT", "DELETE", "POST"}) {
    HttpRequest request;
    request.method = method;
    request.url = base + "/echo";
    request.body = method == "PUT" ? "put body" : "";
    const HttpResult result = fetch(http, request);
    ASSERT_TRUE(result.ok()) << method << ": " << result.error().what();
    EXPECT_EQ(result->status, 200) << method;
    EXPECT_EQ(result->header("x-echo-method"), method);
    EXPECT_EQ(result->body, request.body) << method;
  }
}

TEST_F(Http, OneEasyHandleServesRequestAfterRequestWithNothingCarriedOver) {
  std::string base;
  serve(base);
  HttpClient& http = client();
  const std::uint64_t handles_before = sfq::detail::live_easy_handles();
  struct Step {
    std::string method;
    std::string path;
    std::string body;
    std::vector<std::string> headers;
    std::chrono::milliseconds limit{0};  // the attempt and the stall timeouts
  };
  // Every method after every other: a reused handle must not keep the last one's method, body,
  // headers or limits. The answer held 1.2 s would fail on the limits of the step before it.
  const std::vector<Step> steps = {
      {"HEAD", "/hello", "", {}},
      {"POST", "/echo", "posted", {"X-Custom: first"}},
      {"GET", "/hello", "", {}},
      {"PUT", "/echo", "put", {}},
      {"HEAD", "/hello", "", {}},
      {"DELETE", "/echo", "", {}},
      {"POST", "/echo", "", {}},
      {"GET", "/hello", "", {}, 1s},
      {"GET", "/hold?ms=1200&id=held", "", {}},
      {"GET", "/hello", "", {}},
  };
  for (const Step& step : steps) {
    HttpRequest request;
    request.method = step.method;
    request.url = base + step.path;
    request.body = step.body;
    request.headers = step.headers;
    request.attempt_timeout = step.limit;
    request.stall_timeout = step.limit;
    const HttpResult result = fetch(http, request);
    ASSERT_TRUE(result.ok()) << step.method << " " << step.path << ": " << result.error().what();
    EXPECT_EQ(result->status, 200) << step.method;
    if (step.path == "/echo") {
      EXPECT_EQ(result->header("x-echo-method"), step.method);
      EXPECT_EQ(result->body, step.body) << step.method;
      EXPECT_EQ(result->header("x-echo-x-custom"), step.headers.empty() ? "" : "first");
    } else if (step.path == "/hello") {
      EXPECT_EQ(result->body, step.method == "HEAD" ? "" : "hello") << step.method;
    } else {
      EXPECT_EQ(result->body, "held");
    }
    // One request at a time: the first handle serves them all.
    EXPECT_EQ(sfq::detail::live_easy_handles(), handles_before + 1) << step.method;
  }
}

TEST_F(Http, ErrorStatusesAreResponsesNotErrors) {
  std::string base;
  serve(base);
  HttpClient& http = client();
  for (const int status : {404, 429, 503}) {
    const HttpResult result = get(http, base + "/status/" + std::to_string(status));
    ASSERT_TRUE(result.ok()) << result.error().what();
    EXPECT_EQ(result->status, status);
    EXPECT_EQ(result->body, "status body");
  }
}

TEST_F(Http, GzipBodiesStayCompressed) {
  std::string base;
  serve(base);
  HttpClient& http = client();
  const HttpResult result = get(http, base + "/gzip");
  ASSERT_TRUE(result.ok()) << result.error().what();
  EXPECT_TRUE(result->is_gzip());
  EXPECT_EQ(result->header("content-encoding"), "gzip");
  ASSERT_TRUE(looks_gzipped(result->body));
  const std::optional<std::string> plain = gunzip(result->body);
  ASSERT_TRUE(plain.has_value());
  EXPECT_EQ(std::to_string(plain->size()), result->header("x-plain-size"));
  EXPECT_THAT(*plain, testing::StartsWith("row 0,row 1,"));
  EXPECT_LT(result->body.size(), plain->size());
}

// A BodySink that takes pieces up to `limit` bytes, then refuses (pausing the transfer) until
// the test raises the limit. Its functions run on the loop thread; the test reads it under the
// Shared lock.
struct SinkState {
  int begins = 0;
  bool gzip = false;
  std::string received;
  std::size_t limit = 0;
  int refusals = 0;
  std::optional<HttpResult> result;
};

class LimitedSink final : public sfq::detail::BodySink {
 public:
  explicit LimitedSink(Shared<SinkState>& state) : state_(state) {}
  void begin(bool gzip) override {
    state_.update([&](SinkState& s) {
      ++s.begins;
      s.gzip = gzip;
      s.received.clear();
    });
  }
  bool accept(std::string_view piece) override {
    bool taken = false;
    state_.update([&](SinkState& s) {
      if (s.received.size() >= s.limit) {
        ++s.refusals;
        return;
      }
      s.received.append(piece);
      taken = true;
    });
    return taken;
  }

 private:
  Shared<SinkState>& state_;
};

// A 200 body goes to the sink piece by piece, not into the response; a full sink pauses the
// transfer — for longer than its stall timeout, which a paused transfer does not count — until
// resume(); the piece refused is delivered again, nothing is lost or repeated.
TEST_F(Http, ASinkTakesTheBodyInPiecesAndPausesTheTransferWhenFull) {
  std::string base;
  serve(base);
  HttpClient& http = client();
  Shared<SinkState> state;
  state.update([](SinkState& s) { s.limit = 64 * 1024; });
  constexpr std::size_t kSize = 3'000'000;
  HttpRequest request;
  request.url = base + "/big?n=" + std::to_string(kSize);
  request.stall_timeout = 1s;
  request.sink = std::make_shared<LimitedSink>(state);
  const HttpClient::TransferId id = run_on(loop_, [&] {
    return http.start(std::move(request), [&state](HttpResult result) {
      state.update([&](SinkState& s) { s.result.emplace(std::move(result)); });
    });
  });
  ASSERT_TRUE(state.wait([](const SinkState& s) { return s.refusals > 0; }));
  std::this_thread::sleep_for(2500ms);  // past the stall timeout, paused all along
  state.read([](const SinkState& s) {
    EXPECT_FALSE(s.result.has_value())
        << "a paused transfer ended: " << (s.result->ok() ? "ok" : s.result->error().what());
    EXPECT_EQ(s.begins, 1);
    EXPECT_GE(s.received.size(), 64U * 1024);
  });
  state.update([](SinkState& s) { s.limit = SIZE_MAX; });
  run_on(loop_, [&] {
    http.resume(id + 1000);  // unknown: ignored
    http.resume(id);
    return 0;
  });
  ASSERT_TRUE(state.wait([](const SinkState& s) { return s.result.has_value(); }));
  state.read([&](const SinkState& s) {
    ASSERT_TRUE(s.result->ok()) << s.result->error().what();
    EXPECT_EQ(s.result->value().status, 200);
    EXPECT_TRUE(s.result->value().body.empty());
    EXPECT_EQ(s.begins, 1);
    EXPECT_FALSE(s.gzip);
    EXPECT_EQ(s.received, std::string(kSize, 'x'));
  });
}

// A transfer cancelled while its sink holds it paused gives its handle back to the idle ones; the
// next transfers on that handle are neither paused nor fed the cancelled one's pieces.
TEST_F(Http, AHandleCancelledWhilePausedServesTheNextTransfersWhole) {
  std::string base;
  serve(base);
  HttpClient& http = client();
  const std::uint64_t handles_before = sfq::detail::live_easy_handles();
  Shared<SinkState> paused;
  paused.update([](SinkState& s) { s.limit = 64 * 1024; });
  HttpRequest request;
  request.url = base + "/big?n=3000000";
  request.sink = std::make_shared<LimitedSink>(paused);
  const HttpClient::TransferId id = run_on(loop_, [&] {
    return http.start(std::move(request), [&paused](HttpResult result) {
      paused.update([&](SinkState& s) { s.result.emplace(std::move(result)); });
    });
  });
  ASSERT_TRUE(paused.wait([](const SinkState& s) { return s.refusals > 0; }));
  run_on(loop_, [&] {
    http.cancel(id);
    return 0;
  });
  constexpr std::size_t kSize = 200'000;
  for (int round = 0; round < 2; ++round) {
    Shared<SinkState> whole;
    whole.update([](SinkState& s) { s.limit = SIZE_MAX; });
    HttpRequest next;
    next.url = base + "/big?n=" + std::to_string(kSize);
    next.stall_timeout = 2s;
    next.sink = std::make_shared<LimitedSink>(whole);
    const HttpResult result = fetch(http, std::move(next));
    ASSERT_TRUE(result.ok()) << "round " << round << ": " << result.error().what();
    EXPECT_EQ(result->status, 200);
    whole.read([&](const SinkState& s) {
      EXPECT_EQ(s.begins, 1);
      EXPECT_EQ(s.refusals, 0);
      EXPECT_EQ(s.received, std::string(kSize, 'x'));
    });
    const HttpResult hello = get(http, base + "/hello");
    ASSERT_TRUE(hello.ok()) << hello.error().what();
    EXPECT_EQ(hello->body, "hello");
  }
  // One handle served them all, the cancelled transfer's included; it never called back.
  EXPECT_EQ(sfq::detail::live_easy_handles(), handles_before + 1);
  paused.read([](const SinkState& s) { EXPECT_FALSE(s.result.has_value()); });
}

// Other statuses keep their body in the response (for the error handling); the sink hears
// nothing of them.
TEST_F(Http, ASinkGetsNothingOfOtherStatuses) {
  std::string base;
  serve(base);
  HttpClient& http = client();
  Shared<SinkState> state;
  state.update([](SinkState& s) { s.limit = SIZE_MAX; });
  HttpRequest request;
  request.url = base + "/status/404";
  request.sink = std::make_shared<LimitedSink>(state);
  const HttpResult result = fetch(http, std::move(request));
  ASSERT_TRUE(result.ok()) << result.error().what();
  EXPECT_EQ(result->status, 404);
  EXPECT_EQ(result->body, "status body");
  state.read([](const SinkState& s) {
    EXPECT_EQ(s.begins, 0);
    EXPECT_TRUE(s.received.empty());
  });
}

TEST_F(Http, ServerSideCompressionIsKeptCompressedToo) {
  std::string base;
  serve(base);
  HttpClient& http = client();
  const HttpResult result = get(http, base + "/json");
  ASSERT_TRUE(result.ok()) << result.error().what();
  ASSERT_TRUE(result->is_gzip()) << "the server compresses only when asked: Accept-Encoding";
  ASSERT_TRUE(looks_gzipped(result->body));
  const std::optional<std::string> plain = gunzip(result->body);
  ASSERT_TRUE(plain.has_value());
  EXPECT_THAT(*plain, testing::StartsWith("[\"value\",\"value\""));
}

TEST_F(Http, KeepAliveReusesOneConnection) {
  std::string base;
  Served& served = serve(base);
  HttpClient& http = client();
  std::set<std::string> ports_seen_by_client;
  for (int i = 0; i < 20; ++i) {
    const HttpResult result = get(http, base + "/conn");
    ASSERT_TRUE(result.ok()) << result.error().what();
    ports_seen_by_client.insert(result->body);
  }
  EXPECT_EQ(served.stats.connections(), 1U);
  EXPECT_EQ(ports_seen_by_client.size(), 1U);
}

TEST_F(Http, HostNamesAreResolved) {
  std::string base;
  serve(base);
  HttpClient& http = client();
  // "localhost" goes through libcurl's resolver (threaded on Debian: its wake-up socket is one of
  // the descriptors libcurl asks the loop to watch). The server listens on 127.0.0.1 only, so
  // when localhost resolves to ::1 first, libcurl must fall back to IPv4 as well.
  const std::string url = "http://localhost:" + base.substr(base.rfind(':') + 1) + "/hello";
  for (int i = 0; i < 2; ++i) {  // the second lookup is answered by the DNS cache
    const HttpResult result = get(http, url);
    ASSERT_TRUE(result.ok()) << result.error().what();
    EXPECT_EQ(result->body, "hello");
  }
}

TEST_F(Http, TruncatedBodyIsATransportError) {
  std::string base;
  serve(base);
  HttpClient& http = client();
  const HttpResult result = get(http, base + "/truncated");
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().category(), ErrorCategory::transport);
  EXPECT_THAT(result.error().message(), HasSubstr(base + "/truncated"));
  // The client stays usable.
  EXPECT_TRUE(get(http, base + "/hello").ok());
}

// ---------------------------------------------------------------------------------------------
// Cancellation

TEST_F(Http, CancelledRunningTransferNeverCallsBack) {
  std::string base;
  Served& served = serve(base);
  HttpClient& http = client();
  std::atomic<int> cancelled_callbacks{0};
  for (const std::string path : {"/block", "/partial"}) {
    const int entered = served.stats.entered_block.load();
    const HttpClient::TransferId id = run_on(loop_, [&] {
      HttpRequest request;
      request.url = base + path;
      return http.start(std::move(request), [&](HttpResult) { ++cancelled_callbacks; });
    });
    ASSERT_TRUE(wait_until_at_least(served.stats.entered_block, entered + 1)) << path;
    if (path == "/partial") {
      ASSERT_TRUE(wait_until_at_least(served.stats.partial_sent, 1));
    }
    run_on(loop_, [&] {
      EXPECT_EQ(http.in_flight(), 1U);
      http.cancel(id);
      EXPECT_EQ(http.in_flight(), 0U);
      http.cancel(id);  // twice: ignored
      return 0;
    });
  }
  served.stats.open_gate();
  // Later requests complete; by then any stray callback of the cancelled ones would have run.
  for (int i = 0; i < 3; ++i) EXPECT_TRUE(get(http, base + "/hello").ok());
  run_on(loop_, [] { return 0; });
  EXPECT_EQ(cancelled_callbacks.load(), 0);
}

// libcurl may report a socket's removal after closing it, when the number can already belong to
// someone else's new descriptor (CI's TSan run caught an in-process server's accept() reusing it).
// Every socket libcurl closes goes through our close callback, which unwatches it first.
TEST_F(Http, SocketsAreUnwatchedBeforeLibcurlClosesThem) {
  std::string base;
  Served& served = serve(base);
  HttpClient& http = client();
  const HttpClient::TransferId id = run_on(loop_, [&] {
    HttpRequest request;
    request.url = base + "/block";
    return http.start(std::move(request), [](HttpResult) {});
  });
  ASSERT_TRUE(wait_until_at_least(served.stats.entered_block, 1));
  run_on(loop_, [&] {
    EXPECT_EQ(http.watched_sockets(), 1U);
    EXPECT_EQ(http.sockets_closed(), 0U);
    http.cancel(id);  // a running HTTP/1.1 transfer: its connection is closed
    EXPECT_EQ(http.sockets_closed(), 1U);
    EXPECT_EQ(http.watched_sockets(), 0U);
    return 0;
  });
  served.stats.open_gate();
  EXPECT_TRUE(get(http, base + "/hello").ok());  // a new connection, kept for reuse
  run_on(loop_, [&] {
    EXPECT_EQ(http.sockets_closed(), 1U);
    return 0;
  });
}

TEST_F(Http, CancelledQueuedTransferNeverStarts) {
  std::string base;
  Served& served = serve(base);
  HttpClientOptions options;
  options.max_in_flight = 1;
  HttpClient& http = client(options);
  Shared<std::vector<std::string>> completed;
  const auto ids = run_on(loop_, [&] {
    std::vector<HttpClient::TransferId> started;
    for (const std::string path : {"/block", "/conn", "/hello"}) {
      HttpRequest request;
      request.url = base + path;
      started.push_back(http.start(std::move(request), [&completed, path](HttpResult result) {
        completed.update([&](std::vector<std::string>& v) {
          v.push_back(path + (result.ok() ? "" : " failed"));
        });
      }));
    }
    EXPECT_EQ(http.in_flight(), 1U);
    EXPECT_EQ(http.queued(), 2U);
    return started;
  });
  ASSERT_TRUE(wait_until_at_least(served.stats.entered_block, 1));
  run_on(loop_, [&] {
    http.cancel(ids[1]);  // the queued /conn
    EXPECT_EQ(http.queued(), 1U);
    return 0;
  });
  served.stats.open_gate();
  ASSERT_TRUE(completed.wait([](const std::vector<std::string>& v) { return v.size() == 2; }));
  completed.read([](const std::vector<std::string>& v) {
    EXPECT_EQ(v, (std::vector<std::string>{"/block", "/hello"}));  // FIFO, /conn never ran
    return 0;
  });
  EXPECT_EQ(served.stats.connections(), 0U);
}

TEST_F(Http, LanesHaveTheirOwnLimitsAndQueues) {
  std::string base;
  Served& served = serve(base);
  HttpClientOptions options;
  options.max_in_flight = 1;  // every lane: one transfer at a time
  HttpClient& http = client(options);
  Shared<std::vector<std::string>> completed;
  const auto ids = run_on(loop_, [&] {
    std::vector<HttpClient::TransferId> started;
    for (const auto& [path, lane] : std::vector<std::pair<std::string, std::size_t>>{
             {"/block", 0}, {"/hello", 0}, {"/hello", 1}, {"/hello", 2}}) {
      HttpRequest request;
      request.url = base + path;
      request.lane = lane;
      const std::string name = path + "@" + std::to_string(lane);
      started.push_back(http.start(std::move(request), [&completed, name](HttpResult result) {
        completed.update([&](std::vector<std::string>& v) {
          v.push_back(name + (result.ok() ? "" : " failed"));
        });
      }));
    }
    EXPECT_FALSE(http.request_sent(started[1])) << "queued: nothing of it left the client";
    return started;
  });
  // Lanes 1 and 2 pass the held lane-0 request and the one queued behind it.
  ASSERT_TRUE(completed.wait([](const std::vector<std::string>& v) { return v.size() == 2; }));
  ASSERT_TRUE(wait_until_at_least(served.stats.entered_block, 1));
  run_on(loop_, [&] {
    EXPECT_TRUE(http.request_sent(ids[0])) << "held by the server";
    EXPECT_FALSE(http.request_sent(ids[1])) << "still queued in lane 0";
    EXPECT_EQ(http.queued(), 1U);
    return 0;
  });
  completed.read([](const std::vector<std::string>& v) {
    EXPECT_THAT(v, testing::UnorderedElementsAre("/hello@1", "/hello@2"));
    return 0;
  });
  served.stats.open_gate();
  ASSERT_TRUE(completed.wait([](const std::vector<std::string>& v) { return v.size() == 4; }));
  completed.read([](const std::vector<std::string>& v) {
    EXPECT_EQ(v[2], "/block@0");
    EXPECT_EQ(v[3], "/hello@0");
    return 0;
  });
}

TEST_F(Http, NothingIsSentWhileTheConnectionIsBeingMade) {
  // A listener that never accepts, its backlog filled: a new connect hangs in the handshake.
  const test_support::StuckListener listener;
  ASSERT_TRUE(listener.ok());
  HttpClientOptions options;
  options.connect_timeout = 300ms;
  HttpClient& http = client(options);
  Shared<std::optional<HttpResult>> outcome;
  const auto id = run_on(loop_, [&] {
    HttpRequest request;
    request.url = "http://127.0.0.1:" + std::to_string(listener.port()) + "/x";
    request.method = "POST";
    request.body = "{}";
    return http.start(std::move(request), [&outcome](HttpResult result) {
      outcome.update([&](auto& o) { o.emplace(std::move(result)); });
    });
  });
  for (int i = 0; i < 3; ++i) {
    run_on(loop_, [&] {
      EXPECT_EQ(http.queued(), 0U) << "handed to libcurl";
      EXPECT_FALSE(http.request_sent(id)) << "still connecting";
      return 0;
    });
  }
  ASSERT_TRUE(outcome.wait([](const auto& o) { return o.has_value(); }));
  outcome.read([](const auto& o) {
    EXPECT_FALSE(o->ok());
    if (!o->ok()) {
      EXPECT_EQ(o->error().category(), ErrorCategory::transport);
      EXPECT_EQ(o->error().detail(), sfq::ErrorDetail::cannot_connect) << o->error().what();
    }
    return 0;
  });
}

TEST_F(Http, AStalledTransferIsATimeoutWithTheStalledDetail) {
  std::string base;
  serve(base);
  HttpClient& http = client();
  HttpRequest request;
  request.url = base + "/block";  // held: not a byte comes back
  request.stall_timeout = 1s;
  const HttpResult result = fetch(http, request);
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().category(), ErrorCategory::timeout);
  EXPECT_EQ(result.error().detail(), sfq::ErrorDetail::stalled) << result.error().what();
}

TEST_F(Http, AnAttemptTimeoutCountsFromTheStartOfTheTransfer) {
  std::string base;
  serve(base);
  HttpClient& http = client();
  HttpRequest request;
  request.url = base + "/block";
  request.attempt_timeout = 300ms;
  const HttpResult result = fetch(http, request);
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().category(), ErrorCategory::timeout);
  EXPECT_EQ(result.error().detail(), sfq::ErrorDetail::none) << "it had connected";
}

TEST_F(Http, CallbacksMayStartFurtherRequests) {
  std::string base;
  serve(base);
  HttpClient& http = client();
  Shared<int> chain;
  std::function<void(HttpResult)> next = [&](HttpResult result) {
    EXPECT_TRUE(result.ok());
    int done = 0;
    chain.update([&](int& n) { done = ++n; });
    if (done < 10) {
      HttpRequest request;
      request.url = base + "/hello";
      (void)http.start(std::move(request), next);
    }
  };
  run_on(loop_, [&] {
    HttpRequest request;
    request.url = base + "/hello";
    return http.start(std::move(request), next);
  });
  ASSERT_TRUE(chain.wait([](int n) { return n == 10; }));
}

TEST_F(Http, DestroyingTheClientDropsItsTransfersWithoutCallbacks) {
  std::string base;
  Served& served = serve(base);
  std::atomic<int> callbacks{0};
  {
    HttpClientOptions options;
    options.max_in_flight = 3;
    HttpClient& http = client(options);
    run_on(loop_, [&] {
      for (int i = 0; i < 5; ++i) {
        HttpRequest request;
        request.url = base + "/block";
        request.timeout = 60s;
        (void)http.start(std::move(request), [&](HttpResult) { ++callbacks; });
      }
      return 0;
    });
    ASSERT_TRUE(wait_until_at_least(served.stats.entered_block, 3));
    destroy_clients();  // 3 running, 2 queued (with queue timers armed)
  }
  served.stats.open_gate();
  run_on(loop_, [] { return 0; });
  EXPECT_EQ(callbacks.load(), 0);
}

// ---------------------------------------------------------------------------------------------
// Errors

TEST_F(Http, ConnectionRefusedIsATransportErrorWithoutSecrets) {
  // Bound but not listening: connecting is refused, and nobody else can take the port meanwhile.
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  ASSERT_GE(fd, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address), 0);
  socklen_t length = sizeof address;
  ASSERT_EQ(::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length), 0);
  const std::string url = "http://127.0.0.1:" + std::to_string(ntohs(address.sin_port)) + "/x";

  HttpClient& http = client();
  HttpRequest request;
  request.url = url;
  request.headers = {"Authorization: Bearer sekrit-token-value"};
  const HttpResult result = fetch(http, request);
  ::close(fd);
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().category(), ErrorCategory::transport);
  EXPECT_EQ(result.error().detail(), sfq::ErrorDetail::cannot_connect);
  EXPECT_THAT(result.error().message(), HasSubstr("GET " + url));
  EXPECT_THAT(result.error().message(), Not(HasSubstr("sekrit")));
}

TEST_F(Http, CredentialsInTheUrlStayOutOfErrors) {
  HttpClient& http = client();
  // Port 0 cannot be connected to: a quick transport error.
  const HttpResult result = get(http, "http://user:pa55word@127.0.0.1:0/path");
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().category(), ErrorCategory::transport);
  EXPECT_THAT(result.error().message(), HasSubstr("http://127.0.0.1:0/path"));
  EXPECT_THAT(result.error().message(), Not(HasSubstr("pa55word")));
}

TEST_F(Http, UnsupportedSchemeFailsThroughTheCallback) {
  HttpClient& http = client();
  const HttpResult result = get(http, "file:///etc/passwd");
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().category(), ErrorCategory::transport);
}

TEST_F(Http, SetupFailuresAreDeliveredLaterNotFromStart) {
  HttpClient& http = client();
  // libcurl refuses strings longer than 8 MB in setopt: the request fails inside start().
  HttpRequest request;
  request.url = "http://127.0.0.1/" + std::string(9 * 1024 * 1024, 'a');
  Shared<std::optional<HttpResult>> outcome;
  bool inside_start = false;   // loop thread only
  bool called_inside = false;  // loop thread only
  const bool called_synchronously = run_on(loop_, [&] {
    inside_start = true;
    (void)http.start(std::move(request), [&](HttpResult result) {
      if (inside_start) called_inside = true;
      outcome.update([&](std::optional<HttpResult>& o) { o.emplace(std::move(result)); });
    });
    inside_start = false;
    return called_inside;
  });
  EXPECT_FALSE(called_synchronously);
  ASSERT_TRUE(outcome.wait([](const std::optional<HttpResult>& o) { return o.has_value(); }));
  outcome.read([](const std::optional<HttpResult>& o) {
    EXPECT_FALSE(o->ok());
    EXPECT_EQ(o->error().category(), ErrorCategory::transport);
    return 0;
  });
}

TEST_F(Http, TransferTimeoutIsATimeoutError) {
  std::string base;
  serve(base);
  HttpClient& http = client();
  HttpRequest request;
  request.url = base + "/block";
  request.timeout = 300ms;
  const HttpResult result = fetch(http, request);
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().category(), ErrorCategory::timeout);
  EXPECT_THAT(result.error().message(), HasSubstr(base + "/block"));
}

TEST_F(Http, QueuedTransferTimesOutWhileWaitingForASlot) {
  std::string base;
  Served& served = serve(base);
  HttpClientOptions options;
  options.max_in_flight = 1;
  HttpClient& http = client(options);
  Shared<std::vector<std::optional<HttpResult>>> results;
  results.update([](auto& v) { v.resize(2); });
  run_on(loop_, [&] {
    for (int i = 0; i < 2; ++i) {
      HttpRequest request;
      request.url = base + "/block";
      request.timeout = i == 0 ? 0ms : 200ms;
      (void)http.start(std::move(request), [&results, i](HttpResult result) {
        results.update([&](auto& v) { v[i].emplace(std::move(result)); });
      });
    }
    return 0;
  });
  ASSERT_TRUE(results.wait([](const auto& v) { return v[1].has_value(); }));
  results.read([](const auto& v) {
    EXPECT_FALSE(v[0].has_value());  // still held by the server
    EXPECT_FALSE(v[1]->ok());
    EXPECT_EQ(v[1]->error().category(), ErrorCategory::timeout);
    EXPECT_THAT(v[1]->error().message(), HasSubstr("waiting for a connection slot"));
    return 0;
  });
  served.stats.open_gate();
  ASSERT_TRUE(results.wait([](const auto& v) { return v[0].has_value(); }));
  results.read([](const auto& v) {
    EXPECT_TRUE(v[0]->ok());
    return 0;
  });
  EXPECT_EQ(served.stats.entered_block.load(), 1);  // the queued one never reached the server
}

TEST_F(Http, BodiesLargerThanTheLimitAreProtocolErrors) {
  std::string base;
  serve(base);
  HttpClientOptions options;
  options.max_response_bytes = 10000;
  HttpClient& http = client(options);
  // With Content-Length the transfer fails on the header; chunked, when the body passes the cap.
  for (const std::string path : {"/big?n=10001", "/big-chunked?n=50000"}) {
    const HttpResult result = get(http, base + path);
    ASSERT_FALSE(result.ok()) << path;
    EXPECT_EQ(result.error().category(), ErrorCategory::protocol) << path;
    EXPECT_THAT(result.error().message(), HasSubstr("max_response_bytes")) << path;
    EXPECT_THAT(result.error().message(), HasSubstr("10000")) << path;
  }
  for (const std::string path : {"/big?n=10000", "/big-chunked?n=10000"}) {
    const HttpResult result = get(http, base + path);
    ASSERT_TRUE(result.ok()) << path << ": " << result.error().what();
    EXPECT_EQ(result->body.size(), 10000U) << path;
  }
}

// ---------------------------------------------------------------------------------------------
// Concurrency

TEST_F(Http, MaxInFlightQueuesTheRestAndEveryRequestCompletes) {
  constexpr int kRequests = 1000;
  constexpr int kLimit = 64;
  std::string base;
  // More workers than the limit, so that only the client can be what keeps concurrency at 64.
  Served& served = serve(base, 2 * kLimit);
  HttpClientOptions options;
  options.max_in_flight = kLimit;
  HttpClient& http = client(options);
  struct State {
    std::vector<std::optional<HttpResult>> results =
        std::vector<std::optional<HttpResult>>(kRequests);
    int done = 0;
    std::size_t max_in_flight_seen = 0;
  };
  Shared<State> state;
  const auto counts = run_on(loop_, [&] {
    for (int i = 0; i < kRequests; ++i) {
      HttpRequest request;
      request.url = base + "/hold?ms=5&id=" + std::to_string(i);
      (void)http.start(std::move(request), [&, i](HttpResult result) {
        const std::size_t in_flight = http.in_flight();
        state.update([&](State& s) {
          s.results[i].emplace(std::move(result));
          ++s.done;
          s.max_in_flight_seen = std::max(s.max_in_flight_seen, in_flight);
        });
      });
    }
    return std::pair(http.in_flight(), http.queued());
  });
  EXPECT_EQ(counts.first, static_cast<std::size_t>(kLimit));
  EXPECT_EQ(counts.second, static_cast<std::size_t>(kRequests - kLimit));
  ASSERT_TRUE(state.wait([](const State& s) { return s.done == kRequests; }));
  state.read([&](const State& s) {
    for (int i = 0; i < kRequests; ++i) {
      ASSERT_TRUE(s.results[i]->ok()) << i << ": " << s.results[i]->error().what();
      EXPECT_EQ((*s.results[i])->body, std::to_string(i));
    }
    EXPECT_LE(s.max_in_flight_seen, static_cast<std::size_t>(kLimit));
  });
  EXPECT_LE(served.stats.max_concurrent.load(), kLimit);
  EXPECT_EQ(http.in_flight(), 0U);
  EXPECT_EQ(http.queued(), 0U);
}

TEST_F(Http, AHeldRequestDoesNotDelayOthersToTheSameHost) {
  std::string base;
  Served& served = serve(base);
  expect_held_request_does_not_delay_others(client(), base, served.stats);
}

TEST_F(Http, RequestsUpToTheLimitAreAllAtTheServerAtOnce) {
  constexpr int kRequests = 256;  // the default max_in_flight
  std::string base;
  serve(base, kRequests + 16);
  HttpClient& http = client();
  Shared<std::vector<HttpResult>> results;
  run_on(loop_, [&] {
    for (int i = 0; i < kRequests; ++i) {
      HttpRequest request;
      request.url = base + "/barrier?n=" + std::to_string(kRequests) + "&id=" + std::to_string(i);
      (void)http.start(std::move(request), [&results](HttpResult result) {
        results.update([&](std::vector<HttpResult>& v) { v.push_back(std::move(result)); });
      });
    }
    return 0;
  });
  ASSERT_TRUE(results.wait([](const std::vector<HttpResult>& v) { return v.size() == kRequests; }));
  results.read([](const std::vector<HttpResult>& v) {
    for (const HttpResult& result : v) {
      ASSERT_TRUE(result.ok()) << result.error().what();
      EXPECT_EQ(result->status, 200) << "the server never saw all requests at once";
    }
  });
}

TEST_F(Http, ThousandConcurrentRequestsHeldEach100msAllComplete) {
  constexpr int kRequests = 1000;
  std::string base;
  serve(base, kRequests + 50);
  HttpClientOptions options;
  options.max_in_flight = kRequests;
  HttpClient& http = client(options);
  struct State {
    std::vector<std::optional<HttpResult>> results =
        std::vector<std::optional<HttpResult>>(kRequests);
    int done = 0;
  };
  Shared<State> state;
  const std::size_t started = run_on(loop_, [&] {
    for (int i = 0; i < kRequests; ++i) {
      HttpRequest request;
      request.url = base + "/hold?ms=100&id=" + std::to_string(i);
      (void)http.start(std::move(request), [&, i](HttpResult result) {
        state.update([&](State& s) {
          s.results[i].emplace(std::move(result));
          ++s.done;
        });
      });
    }
    return http.in_flight();
  });
  EXPECT_EQ(started, static_cast<std::size_t>(kRequests));  // none queued: all in libcurl
  ASSERT_TRUE(state.wait([](const State& s) { return s.done == kRequests; }));
  state.read([&](const State& s) {
    for (int i = 0; i < kRequests; ++i) {
      ASSERT_TRUE(s.results[i]->ok()) << i << ": " << s.results[i]->error().what();
      EXPECT_EQ((*s.results[i])->status, 200);
      EXPECT_EQ((*s.results[i])->body, std::to_string(i));
    }
  });
}

// ---------------------------------------------------------------------------------------------
// TLS

TEST_F(Http, HttpsWithASelfSignedCertificateAsCaFile) {
  const SelfSignedCertificate certificate;
  ASSERT_NE(certificate.cert, nullptr);
  std::string base;
  Served& served = serve_tls(base, certificate);

  HttpClientOptions options;
  options.ca_file = certificate.pem_path;
  // A fresh client, so that the held request is the first to reach the host (PIPEWAIT).
  expect_held_request_does_not_delay_others(client(options), base, served.stats);
  {
    std::lock_guard lock(served.stats.mutex);
    served.stats.remote_ports.clear();
  }

  HttpClient& trusting = client(options);
  for (int i = 0; i < 3; ++i) {
    const HttpResult result = get(trusting, base + "/conn");
    ASSERT_TRUE(result.ok()) << result.error().what();
    EXPECT_EQ(result->status, 200);
  }
  EXPECT_EQ(served.stats.connections(), 1U);  // TLS connections are kept alive too
  const HttpResult gzipped = get(trusting, base + "/gzip");
  ASSERT_TRUE(gzipped.ok()) << gzipped.error().what();
  EXPECT_TRUE(gzipped->is_gzip());
  EXPECT_TRUE(gunzip(gzipped->body).has_value());
  // A body far larger than the 16 KiB a TLS write takes at a time arrives whole, twice on the
  // same handle and connection.
  std::string body(1024 * 1024 + 17, '\0');
  for (std::size_t i = 0; i < body.size(); ++i) body[i] = static_cast<char>(i * 13);
  for (int i = 0; i < 2; ++i) {
    HttpRequest post;
    post.method = "POST";
    post.url = base + "/echo";
    post.headers = {"Content-Type: application/octet-stream"};
    post.body = body;
    const HttpResult echoed = fetch(trusting, post);
    ASSERT_TRUE(echoed.ok()) << echoed.error().what();
    EXPECT_EQ(echoed->status, 200);
    EXPECT_TRUE(echoed->body == body) << "echoed body differs, " << echoed->body.size() << " bytes";
  }
  EXPECT_EQ(served.stats.connections(), 1U);

  // Verification is on: without the CA file (the system store) the certificate is rejected.
  HttpClient& strict = client();
  const HttpResult rejected = get(strict, base + "/hello");
  ASSERT_FALSE(rejected.ok());
  EXPECT_EQ(rejected.error().category(), ErrorCategory::transport);
  EXPECT_THAT(rejected.error().message(), HasSubstr(base + "/hello"));
  EXPECT_THAT(rejected.error().message(), HasSubstr("not trusted by the system CA store"));
  EXPECT_THAT(rejected.error().message(), HasSubstr("update-ca-certificates"));
  EXPECT_EQ(rejected.error().detail(), sfq::ErrorDetail::untrusted_certificate);

  // A CA file that is not a CA bundle is named in the error.
  HttpClientOptions unreadable;
  unreadable.ca_file = testing::TempDir() + "sfq_no_such_ca.pem";
  const HttpResult unread = get(client(unreadable), base + "/hello");
  ASSERT_FALSE(unread.ok());
  EXPECT_THAT(unread.error().message(), HasSubstr("sfq_no_such_ca.pem"));
}

// Counts the times `path` is opened while `fn` runs (inotify; any process's opens count).
// Closes are watched too: inotify merges an event into an identical one still unread, and an
// open between two closes is never identical to the event before it.
template <typename F>
int count_opens(const std::string& path, F fn) {
  const int notify = ::inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
  EXPECT_GE(notify, 0);
  EXPECT_GE(::inotify_add_watch(notify, path.c_str(), IN_OPEN | IN_CLOSE), 0);
  fn();
  int opens = 0;
  alignas(inotify_event) char buffer[4096];
  for (;;) {
    const ssize_t got = ::read(notify, buffer, sizeof buffer);
    if (got <= 0) break;
    for (ssize_t at = 0; at < got;) {
      const auto* event = reinterpret_cast<const inotify_event*>(buffer + at);
      if ((event->mask & IN_OPEN) != 0) ++opens;
      at += static_cast<ssize_t>(sizeof(inotify_event) + event->len);
    }
  }
  ::close(notify);
  return opens;
}

TEST_F(Http, TheCaFileIsReadOncePerClientAndTlsSessionsAreResumed) {
  const SelfSignedCertificate certificate;
  ASSERT_NE(certificate.cert, nullptr);
  std::string base;
  Served& served = serve_tls(base, certificate);
  HttpClientOptions options;
  options.ca_file = certificate.pem_path;
  HttpClient& http = client(options);
  constexpr int kConnections = 6;
  const int opens = count_opens(certificate.pem_path, [&] {
    for (int i = 0; i < kConnections; ++i) {
      const HttpResult result = get(http, base + "/bye");
      ASSERT_TRUE(result.ok()) << result.error().what();
      EXPECT_EQ(result->status, 200);
    }
  });
  EXPECT_EQ(served.stats.connections(), static_cast<std::size_t>(kConnections));
  EXPECT_EQ(opens, 1);  // one parse of the store for six TLS connections
  // Every connection after the first resumes a TLS session of the shared cache.
  EXPECT_EQ(served.stats.resumed.load(), kConnections - 1);
}

TEST_F(Http, WithoutACaDirectoryTheSystemCaBundleIsReadOncePerClient) {
  const std::string bundle = sfq::detail::default_ca_bundle();
  if (bundle.empty()) GTEST_SKIP() << "this libcurl has no built-in CA bundle file";
  const SelfSignedCertificate certificate;  // not in the system store: every handshake fails
  std::string base;
  serve_tls(base, certificate);
  HttpClientOptions options;  // the system store, as users have it, but no CA directory
  options.system_ca_directory = testing::TempDir() + "sfq_io_no_such_ca_directory";
  HttpClient& http = client(options);
  constexpr int kConnections = 8;
  const int opens = count_opens(bundle, [&] {
    for (int i = 0; i < kConnections; ++i) {
      const HttpResult result = get(http, base + "/hello");
      ASSERT_FALSE(result.ok());
      EXPECT_EQ(result.error().category(), ErrorCategory::transport);
      EXPECT_THAT(result.error().message(), HasSubstr(bundle));  // the store it was checked against
    }
  });
  // Once per client; other processes on the machine may open the bundle meanwhile, hence the
  // slack — reading it per connection would count at least kConnections.
  EXPECT_GE(opens, 1);
  EXPECT_LT(opens, kConnections / 2);
}

TEST_F(Http, TheSystemCaDirectoryIsReadOncePerCaAndTheBundleNever) {
  const SelfSignedCertificate certificate;
  ASSERT_NE(certificate.cert, nullptr);
  std::string base;
  // No TLS session is resumed: every connection verifies the certificate against the store.
  Served& served = serve_tls(base, certificate, /*resumable=*/false);
  // A system store of this test's own, laid out as Debian's: a hashed CA directory
  // (<subject hash>.0) and a bundle file, both holding the test CA.
  const std::string directory = testing::TempDir() + "sfq_io_ca_dir_" + std::to_string(::getpid());
  ASSERT_EQ(::mkdir(directory.c_str(), 0700) == 0 || errno == EEXIST, true);
  char hashed[32];
  std::snprintf(hashed, sizeof hashed, "/%08lx.0", X509_subject_name_hash(certificate.cert));
  const std::string entry = directory + hashed;
  const std::string bundle =
      testing::TempDir() + "sfq_io_ca_bundle_" + std::to_string(::getpid()) + ".pem";
  for (const std::string& copy : {entry, bundle}) {
    ASSERT_TRUE(std::filesystem::copy_file(certificate.pem_path, copy,
                                           std::filesystem::copy_options::overwrite_existing))
        << copy;
  }
  HttpClientOptions options;
  options.system_ca_directory = directory;
  options.system_ca_bundle = bundle;
  HttpClient& http = client(options);
  constexpr int kConnections = 8;
  int bundle_opens = 0;
  const int lookups = count_opens(entry, [&] {
    bundle_opens = count_opens(bundle, [&] {
      for (int i = 0; i < kConnections; ++i) {
        const HttpResult result = get(http, base + "/bye");  // "/bye" closes the connection
        ASSERT_TRUE(result.ok()) << result.error().what();
        EXPECT_EQ(result->status, 200);
      }
    });
  });
  EXPECT_EQ(served.stats.connections(), static_cast<std::size_t>(kConnections));
  EXPECT_EQ(served.stats.resumed.load(), 0);  // eight full handshakes, eight verifications
  EXPECT_EQ(lookups, 1);  // the CA read from the directory once, for all of them
  EXPECT_EQ(bundle_opens, 0);

  // A second client has a store of its own: it reads the CA once more.
  HttpClient& other = client(options);
  const int other_lookups = count_opens(entry, [&] {
    for (int i = 0; i < 2; ++i) {
      const HttpResult result = get(other, base + "/bye");
      ASSERT_TRUE(result.ok()) << result.error().what();
    }
  });
  EXPECT_EQ(other_lookups, 1);

  // A certificate the directory does not hold is refused, and the error names the directory.
  const SelfSignedCertificate stranger;
  std::string stranger_base;
  serve_tls(stranger_base, stranger, /*resumable=*/false);
  const HttpResult refused = get(http, stranger_base + "/hello");
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().category(), ErrorCategory::transport);
  EXPECT_THAT(refused.error().message(),
              HasSubstr("not trusted by the system CA store (" + directory));
  std::remove(entry.c_str());
  std::remove(bundle.c_str());
  ::rmdir(directory.c_str());
}

TEST_F(Http, ACaInTheSystemBundleAloneIsTrustedAndTheBundleReadOnce) {
  // As some container images add a CA: appended to the bundle file, absent from the directory.
  const SelfSignedCertificate certificate;
  ASSERT_NE(certificate.cert, nullptr);
  std::string base;
  Served& served = serve_tls(base, certificate, /*resumable=*/false);
  const std::string directory =
      testing::TempDir() + "sfq_io_empty_ca_dir_" + std::to_string(::getpid());
  ASSERT_EQ(::mkdir(directory.c_str(), 0700) == 0 || errno == EEXIST, true);
  const std::string bundle =
      testing::TempDir() + "sfq_io_appended_bundle_" + std::to_string(::getpid()) + ".pem";
  ASSERT_TRUE(std::filesystem::copy_file(certificate.pem_path, bundle,
                                         std::filesystem::copy_options::overwrite_existing));
  HttpClientOptions options;
  options.system_ca_directory = directory;
  options.system_ca_bundle = bundle;
  HttpClient& http = client(options);
  constexpr int kConnections = 4;
  const int opens = count_opens(bundle, [&] {
    for (int i = 0; i < kConnections; ++i) {
      const HttpResult result = get(http, base + "/bye");
      ASSERT_TRUE(result.ok()) << result.error().what();
      EXPECT_EQ(result->status, 200);
    }
  });
  EXPECT_EQ(served.stats.connections(), static_cast<std::size_t>(kConnections));
  EXPECT_EQ(served.stats.resumed.load(), 0);
  EXPECT_EQ(opens, 1);  // read when the directory could not anchor the chain, then kept

  // A certificate neither holds is refused, and the error names both.
  const SelfSignedCertificate stranger;
  std::string stranger_base;
  serve_tls(stranger_base, stranger, /*resumable=*/false);
  const HttpResult refused = get(http, stranger_base + "/hello");
  ASSERT_FALSE(refused.ok());
  EXPECT_THAT(refused.error().message(),
              HasSubstr("not trusted by the system CA store (" + directory + ", " + bundle + ")"));
  std::remove(bundle.c_str());
  ::rmdir(directory.c_str());
}

// ---------------------------------------------------------------------------------------------
// Logging, threads, signals

TEST_F(Http, TraceLogsTheExchangeWithoutCredentials) {
  std::string base;
  serve(base);
  HttpClientOptions options;
  options.trace = true;
  HttpClient& http = client(options);
  const sfq::LogLevel saved = sfq::log_level();
  sfq::set_log_level(sfq::LogLevel::debug);
  testing::internal::CaptureStderr();
  HttpRequest request;
  request.method = "POST";
  request.url = base + "/echo";
  request.headers = {"Authorization: Snowflake Token=\"sekrit-session-token\"",
                     "Cookie: session=sekrit-cookie", "X-Custom: visible"};
  request.body = "select 1";
  const HttpResult result = fetch(http, request);
  run_on(loop_, [] { return 0; });
  const std::string logged = testing::internal::GetCapturedStderr();
  sfq::set_log_level(saved);
  ASSERT_TRUE(result.ok()) << result.error().what();
  EXPECT_THAT(logged, HasSubstr("POST " + base + "/echo"));
  EXPECT_THAT(logged, HasSubstr("200"));
  EXPECT_THAT(logged, HasSubstr("x-custom: visible"));  // the echoed header, in the response
  EXPECT_THAT(logged, HasSubstr("select 1"));
  EXPECT_THAT(logged, HasSubstr("cookie: <redacted>"));  // ours; the sink knows Authorization
  EXPECT_THAT(logged, Not(HasSubstr("sekrit")));
}

TEST_F(Http, TraceIsSilentUnlessEnabled) {
  std::string base;
  serve(base);
  HttpClient& http = client();  // trace off
  const sfq::LogLevel saved = sfq::log_level();
  sfq::set_log_level(sfq::LogLevel::debug);
  testing::internal::CaptureStderr();
  const HttpResult result = get(http, base + "/hello");
  run_on(loop_, [] { return 0; });
  const std::string logged = testing::internal::GetCapturedStderr();
  sfq::set_log_level(saved);
  ASSERT_TRUE(result.ok());
  EXPECT_THAT(logged, Not(HasSubstr("/hello")));
}

using HttpDeathTest = Http;

TEST_F(HttpDeathTest, CurlCallsOffTheLoopThreadAreCaught) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  HttpClient& http = client();
  // The main thread is not the loop thread while the loop runs: a violation, whatever it does.
  EXPECT_DEBUG_DEATH(http.cancel(42), "off the I/O thread");
#ifdef NDEBUG
  EXPECT_EQ(http.curl_calls_off_loop_thread(), 1U);
  run_on(loop_, [] { return 0; });
  clients_.clear();  // do not let TearDown's check count this deliberate violation
#endif
}

TEST(HttpProcess, SigpipeIsIgnoredOnlyWhenNobodyHandlesIt) {
  struct sigaction saved {};
  ASSERT_EQ(::sigaction(SIGPIPE, nullptr, &saved), 0);

  struct sigaction custom {};
  custom.sa_handler = [](int) {};
  sigemptyset(&custom.sa_mask);
  ASSERT_EQ(::sigaction(SIGPIPE, &custom, nullptr), 0);
  EXPECT_FALSE(sfq::detail::ignore_sigpipe_if_default());
  struct sigaction now {};
  ASSERT_EQ(::sigaction(SIGPIPE, nullptr, &now), 0);
  EXPECT_EQ(now.sa_handler, custom.sa_handler);  // the application's handler stays

  struct sigaction fallback {};
  fallback.sa_handler = SIG_DFL;
  sigemptyset(&fallback.sa_mask);
  ASSERT_EQ(::sigaction(SIGPIPE, &fallback, nullptr), 0);
  EXPECT_TRUE(sfq::detail::ignore_sigpipe_if_default());
  ASSERT_EQ(::sigaction(SIGPIPE, nullptr, &now), 0);
  EXPECT_EQ(now.sa_handler, SIG_IGN);

  ASSERT_EQ(::sigaction(SIGPIPE, &saved, nullptr), 0);
}

}  // namespace

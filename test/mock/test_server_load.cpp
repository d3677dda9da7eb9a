// test_server_load.cpp — capacity: a thousand concurrent in-flight POSTs of SYSTEM$WAIT, all
// connected at once (none refused) and all answered, on this 2-core machine; two thousand
// connections each holding a statement, held by the emulator without a thread apiece.
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <dirent.h>

#include <future>

#include "support/mock_test_support.hpp"

namespace {

using mock_snowflake::Counters;
using std::chrono::milliseconds;
using std::chrono::seconds;

constexpr std::size_t kClients = 1000;
constexpr std::size_t kHeldClients = 2000;

struct Connection {
  int fd = -1;
  std::string out;
  std::size_t sent = 0;
  std::string in;
  bool connected = false;
  bool done = false;
  bool failed = false;
};

/// Drives `count` non-blocking connections from one thread with poll(): connect, send one
/// POST of `sql` each, read each answer until the server closes. Returns the raw answers.
std::vector<std::string> run_clients(int port, const std::string& token, std::atomic<bool>& stop,
                                     std::size_t count = kClients,
                                     const std::string& sql = "SELECT SYSTEM$WAIT(1)") {
  std::vector<Connection> connections(count);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(static_cast<std::uint16_t>(port));
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  const std::string body = R"json({"statement":")json" + sql + R"json("})json";
  for (auto& c : connections) {
    c.fd = ::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
    const int rc = ::connect(c.fd, reinterpret_cast<sockaddr*>(&address), sizeof address);
    if (rc != 0 && errno != EINPROGRESS) c.failed = true;
    c.out = "POST /api/v2/statements HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " +
            token +
            "\r\nContent-Type: application/json\r\nContent-Length: " + std::to_string(body.size()) +
            "\r\nConnection: close\r\n\r\n" + body;
  }
  const auto deadline = std::chrono::steady_clock::now() + seconds(240);
  std::vector<pollfd> polls;
  std::vector<std::size_t> index;
  char buffer[16384];
  while (!stop && std::chrono::steady_clock::now() < deadline) {
    polls.clear();
    index.clear();
    for (std::size_t i = 0; i < connections.size(); ++i) {
      auto& c = connections[i];
      if (c.done || c.failed) continue;
      polls.push_back({c.fd, static_cast<short>(c.sent < c.out.size() ? POLLOUT : POLLIN), 0});
      index.push_back(i);
    }
    if (polls.empty()) break;
    if (::poll(polls.data(), polls.size(), 200) < 0) break;
    for (std::size_t k = 0; k < polls.size(); ++k) {
      if (polls[k].revents == 0) continue;
      auto& c = connections[index[k]];
      if (c.sent < c.out.size()) {
        int error = 0;
        socklen_t length = sizeof error;
        getsockopt(c.fd, SOL_SOCKET, SO_ERROR, &error, &length);
        if (error != 0) {
          c.failed = true;  // e.g. ECONNREFUSED: a full backlog
          continue;
        }
        const ssize_t n = ::send(c.fd, c.out.data() + c.sent, c.out.size() - c.sent, MSG_NOSIGNAL);
        if (n > 0) c.sent += static_cast<std::size_t>(n);
        if (n < 0 && errno != EAGAIN) c.failed = true;
        continue;
      }
      const ssize_t n = ::recv(c.fd, buffer, sizeof buffer, 0);
      if (n > 0) {
        c.in.append(buffer, static_cast<std::size_t>(n));
      } else if (n == 0 || errno != EAGAIN) {
        c.done = true;
      }
    }
  }
  std::vector<std::string> answers;
  for (auto& c : connections) {
    answers.push_back(c.failed ? std::string("FAILED") : c.in);
    ::close(c.fd);
  }
  return answers;
}

/// Threads of this process (the emulator runs in-process).
std::size_t thread_count() {
  std::size_t count = 0;
  DIR* dir = opendir("/proc/self/task");
  if (dir == nullptr) return 0;
  while (const dirent* entry = readdir(dir)) {
    if (entry->d_name[0] != '.') ++count;
  }
  closedir(dir);
  return count;
}

class MockserverLoad : public mock_test::MockServerTest {
 protected:
  void configure(mock_snowflake::ServerOptions& options) override {
    mock_test::raise_descriptor_limit();
    options.sync_window = seconds(120);
    // Statements wait here until all thousand are in flight, then the test releases them.
    options.statement_latency = std::chrono::minutes(10);
  }
};

TEST_F(MockserverLoad, AThousandConcurrentInFlightRequestsAreAllAnswered) {
  std::atomic<bool> stop{false};
  const std::string jwt = token();
  auto clients =
      std::async(std::launch::async, [&] { return run_clients(server_->port(), jwt, stop); });
  const bool all_in_flight = server_->wait_until(
      [](const Counters& c) {
        return c.in_flight_requests == kClients && c.statements_running == kClients;
      },
      seconds(180));
  const auto seen = server_->counters();
  server_->set_statement_latency(milliseconds(0));  // release them all
  if (!all_in_flight) stop = true;
  const auto answers = clients.get();
  ASSERT_TRUE(all_in_flight) << "in flight: " << seen.in_flight_requests
                             << ", running: " << seen.statements_running;
  std::size_t ok = 0;
  for (const auto& answer : answers) {
    const auto response = mock_test::parse_raw(answer);
    if (response.status == 200 && response.complete) ++ok;
  }
  EXPECT_EQ(ok, kClients);
  const auto counters = server_->counters();
  EXPECT_EQ(counters.requests_with("POST /api/v2/statements", 200), kClients);
  EXPECT_GE(counters.max_in_flight_requests, kClients);
}

TEST_F(MockserverLoad, TwoThousandHeldStatementsTakeNoThreadApiece) {
  std::atomic<bool> stop{false};
  const std::string jwt = token();
  const std::size_t threads_before = thread_count();
  auto clients = std::async(std::launch::async, [&] {
    return run_clients(server_->port(), jwt, stop, kHeldClients, "SELECT 1");
  });
  const bool all_held = server_->wait_until(
      [](const Counters& c) {
        return c.in_flight_requests == kHeldClients && c.statements_running == kHeldClients;
      },
      seconds(180));
  // Every connection is open and every statement held (statement latency, then the sync
  // window): neither costs a thread.
  const std::size_t threads_held = thread_count();
  server_->set_statement_latency(milliseconds(0));
  if (!all_held) stop = true;
  const auto answers = clients.get();
  ASSERT_TRUE(all_held);
  EXPECT_LT(threads_held, threads_before + 50)
      << "threads before: " << threads_before << ", while holding: " << threads_held;
  std::size_t ok = 0;
  for (const auto& answer : answers) {
    const auto response = mock_test::parse_raw(answer);
    if (response.status == 200 && response.complete) ++ok;
  }
  EXPECT_EQ(ok, kHeldClients);
}

}  // namespace

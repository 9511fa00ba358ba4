#include "headless_chromium.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>

#include "absl/status/status.h"
#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "dsl/base/status_macros.h"
#include "temp_dir.h"

namespace leadrouter::testing {
namespace {

using nlohmann::json;

// A browser process and its DevTools pipe: we write commands on `to_browser_`, it writes answers
// and events on `from_browser_`, each message JSON ended by a NUL byte.
class Browser {
 public:
  Browser(const Browser&) = delete;
  Browser& operator=(const Browser&) = delete;

  static absl::StatusOr<std::unique_ptr<Browser>> Start(const std::string& chromium,
                                                        const TempDir& profile,
                                                        absl::Time deadline) {
    int commands[2];  // [0] the browser reads (its fd 3), [1] we write
    int events[2];    // [0] we read, [1] the browser writes (its fd 4)
    if (pipe2(commands, O_CLOEXEC) != 0 || pipe2(events, O_CLOEXEC) != 0) {
      return absl::InternalError("pipe2 failed");
    }
    const std::string log = profile.Child("chromium.log");
    const std::vector<std::string> args = {
        chromium, "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
        "--remote-debugging-pipe", "--user-data-dir=" + profile.Child("profile"), "--no-first-run",
        "--no-default-browser-check", "--disable-extensions", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--hide-scrollbars", "--mute-audio",
        // Any name lookup fails: a page that reaches for the network shows it as a failed load.
        "--host-resolver-rules=MAP * ~NOTFOUND", "about:blank"};
    std::vector<char*> argv;
    for (const std::string& arg : args) argv.push_back(const_cast<char*>(arg.c_str()));
    argv.push_back(nullptr);

    const pid_t pid = fork();
    if (pid < 0) return absl::InternalError("fork failed");
    if (pid == 0) {
      // The child: its own process group (killed as one), the pipe on fds 3 and 4 (moved above
      // them first so that dup2 cannot clobber one with the other), output to the log.
      setpgid(0, 0);
      const int in = fcntl(commands[0], F_DUPFD, 10);
      const int out = fcntl(events[1], F_DUPFD, 10);
      const int log_fd = open(log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
      if (in < 0 || out < 0 || log_fd < 0 || dup2(in, 3) < 0 || dup2(out, 4) < 0 ||
          dup2(log_fd, 1) < 0 || dup2(log_fd, 2) < 0) {
        _exit(127);
      }
      execvp(argv[0], argv.data());
      _exit(127);
    }
    setpgid(pid, pid);  // also here, so that the group exists before we might kill it
    close(commands[0]);
    close(events[1]);
    return std::unique_ptr<Browser>(new Browser(pid, commands[1], events[0], log, deadline));
  }

  ~Browser() {
    close(to_browser_);
    close(from_browser_);
    // Browser.close asked it to quit; give it a moment, then end the whole group either way (the
    // renderer and GPU helpers too).
    const absl::Time grace = std::min(deadline_, absl::Now() + absl::Seconds(5));
    int status = 0;
    while (waitpid(pid_, &status, WNOHANG) == 0 && absl::Now() < grace) {
      absl::SleepFor(absl::Milliseconds(20));
    }
    kill(-pid_, SIGKILL);
    waitpid(pid_, &status, 0);
  }

  // Sends a command (to the page's session when `session` is set) and returns its result, handling
  // the events that arrive before it.
  absl::StatusOr<json> Call(const std::string& method, json params = json::object(),
                            const std::string& session = "") {
    const int id = ++last_id_;
    json message = {{"id", id}, {"method", method}, {"params", std::move(params)}};
    if (!session.empty()) message["sessionId"] = session;
    const std::string text = message.dump() + '\0';
    for (size_t sent = 0; sent < text.size();) {
      const ssize_t n = write(to_browser_, text.data() + sent, text.size() - sent);
      if (n <= 0) return Failed(absl::StrCat("writing ", method));
      sent += static_cast<size_t>(n);
    }
    while (true) {
      absl::StatusOr<json> reply = Next();
      if (!reply.ok()) return reply.status();
      if (reply->value("id", 0) != id) {
        Handle(*reply);
        continue;
      }
      if (reply->contains("error")) {
        return absl::InternalError(absl::StrCat(method, ": ", (*reply)["error"].dump()));
      }
      return (*reply)["result"];
    }
  }

  // A command whose result is only whether it worked.
  absl::Status Do(const std::string& method, json params = json::object(),
                  const std::string& session = "") {
    return Call(method, std::move(params), session).status();
  }

  // Waits for an event named `method`, handling the others.
  absl::Status WaitFor(const std::string& method) {
    while (true) {
      absl::StatusOr<json> event = Next();
      if (!event.ok()) return event.status();
      Handle(*event);
      if (event->value("method", "") == method) return absl::OkStatus();
    }
  }

  std::vector<std::string> TakeProblems() { return std::move(problems_); }

 private:
  Browser(pid_t pid, int to_browser, int from_browser, std::string log, absl::Time deadline)
      : pid_(pid),
        to_browser_(to_browser),
        from_browser_(from_browser),
        log_(std::move(log)),
        deadline_(deadline) {}

  // The next message, or an error naming the browser's own log once the deadline passes or the
  // pipe closes.
  absl::StatusOr<json> Next() {
    while (true) {
      const size_t end = buffer_.find('\0');
      if (end != std::string::npos) {
        json message = json::parse(buffer_.substr(0, end), nullptr, /*allow_exceptions=*/false);
        buffer_.erase(0, end + 1);
        if (message.is_discarded()) return Failed("unreadable DevTools message");
        return message;
      }
      const absl::Duration left = deadline_ - absl::Now();
      if (left <= absl::ZeroDuration()) return Failed("timed out");
      pollfd ready = {from_browser_, POLLIN, 0};
      const int polled = poll(&ready, 1, static_cast<int>(absl::ToInt64Milliseconds(left)) + 1);
      if (polled < 0 && errno != EINTR) return Failed("poll failed");
      if (polled <= 0) continue;
      char chunk[65536];
      const ssize_t n = read(from_browser_, chunk, sizeof chunk);
      if (n <= 0) return Failed("the browser closed the DevTools pipe");
      buffer_.append(chunk, static_cast<size_t>(n));
    }
  }

  // What a reader would notice, or a page that reaches past the file it is.
  void Handle(const json& event) {
    const std::string method = event.value("method", "");
    const json& params = event.contains("params") ? event["params"] : json::object();
    if (method == "Runtime.exceptionThrown") {
      problems_.push_back("exception: " + params["exceptionDetails"].dump());
    } else if (method == "Runtime.consoleAPICalled") {
      const std::string type = params.value("type", "");
      if (type == "error" || type == "assert")
        problems_.push_back("console." + type + ": " + params["args"].dump());
    } else if (method == "Log.entryAdded") {
      const json& entry = params["entry"];
      if (entry.value("level", "") == "error") {
        problems_.push_back("log: " + entry.value("text", "") + " " + entry.value("url", ""));
      }
    } else if (method == "Network.requestWillBeSent") {
      const std::string url = params["request"].value("url", "");
      urls_[params.value("requestId", "")] = url;
      if (!absl::StartsWith(url, "file://") && !absl::StartsWith(url, "data:") &&
          !absl::StartsWith(url, "about:")) {
        problems_.push_back("request beyond the file: " + url);
      }
    } else if (method == "Network.loadingFailed") {
      problems_.push_back("failed load of " + urls_[params.value("requestId", "")] + ": " +
                          params.value("errorText", ""));
    }
  }

  absl::Status Failed(absl::string_view what) const {
    std::ifstream in(log_);
    std::ostringstream log;
    log << in.rdbuf();
    return absl::DeadlineExceededError(
        absl::StrCat("chromium: ", what, "; its output:\n", log.str().substr(0, 4000)));
  }

  const pid_t pid_;
  const int to_browser_;
  const int from_browser_;
  const std::string log_;
  const absl::Time deadline_;
  int last_id_ = 0;
  std::string buffer_;
  std::map<std::string, std::string> urls_;  // by request id, to name failed loads
  std::vector<std::string> problems_;
};

}  // namespace

std::string FindChromium() {
  if (const char* chosen = std::getenv("LEADROUTER_CHROMIUM"); chosen != nullptr && *chosen) {
    return chosen;
  }
  const char* path = std::getenv("PATH");
  std::istringstream dirs(path == nullptr ? "" : path);
  for (std::string dir; std::getline(dirs, dir, ':');) {
    const std::filesystem::path candidate = std::filesystem::path(dir) / "chromium";
    if (access(candidate.c_str(), X_OK) == 0) return candidate.string();
  }
  return "";
}

absl::StatusOr<PageCapture> CapturePage(const std::string& chromium, const std::string& html_file,
                                        const Viewport& viewport, absl::Duration timeout) {
  const TempDir profile;
  absl::StatusOr<std::unique_ptr<Browser>> started =
      Browser::Start(chromium, profile, absl::Now() + timeout);
  if (!started.ok()) return started.status();
  Browser& browser = **started;

  ASSIGN_OR_RETURN(const json target,
                   browser.Call("Target.createTarget", {{"url", "about:blank"}}));
  ASSIGN_OR_RETURN(
      const json attached,
      browser.Call("Target.attachToTarget", {{"targetId", target["targetId"]}, {"flatten", true}}));
  const std::string session = attached["sessionId"];
  for (const char* domain : {"Page.enable", "Runtime.enable", "Log.enable", "Network.enable"}) {
    RETURN_IF_ERROR(browser.Do(domain, json::object(), session));
  }
  RETURN_IF_ERROR(browser.Do("Emulation.setDeviceMetricsOverride",
                             {{"width", viewport.width},
                              {"height", viewport.height},
                              {"deviceScaleFactor", 1},
                              {"mobile", viewport.mobile}},
                             session));
  ASSIGN_OR_RETURN(const json navigated,
                   browser.Call("Page.navigate", {{"url", "file://" + html_file}}, session));
  if (navigated.contains("errorText")) {
    return absl::InternalError(absl::StrCat("navigation: ", navigated["errorText"].dump()));
  }
  RETURN_IF_ERROR(browser.WaitFor("Page.loadEventFired"));

  PageCapture capture;
  // Read by the test through the protocol; the page itself runs no script.
  ASSIGN_OR_RETURN(
      const json dom,
      browser.Call("Runtime.evaluate",
                   {{"expression", "document.documentElement.outerHTML"}, {"returnByValue", true}},
                   session));
  capture.dom = dom["result"].value("value", "");
  ASSIGN_OR_RETURN(const json width,
                   browser.Call("Runtime.evaluate",
                                {{"expression", "document.documentElement.scrollWidth"},
                                 {"returnByValue", true}},
                                session));
  capture.content_width = width["result"].value("value", 0);
  ASSIGN_OR_RETURN(const json metrics,
                   browser.Call("Page.getLayoutMetrics", json::object(), session));
  const json& size = metrics["cssContentSize"];
  ASSIGN_OR_RETURN(const json shot, browser.Call("Page.captureScreenshot",
                                                 {{"format", "png"},
                                                  {"captureBeyondViewport", true},
                                                  {"clip",
                                                   {{"x", 0},
                                                    {"y", 0},
                                                    {"width", viewport.width},
                                                    {"height", size.value("height", 0.0)},
                                                    {"scale", 1}}}},
                                                 session));
  if (!absl::Base64Unescape(shot.value("data", ""), &capture.png)) {
    return absl::InternalError("the screenshot is not base64");
  }
  capture.problems = browser.TakeProblems();
  // The browser may close the pipe before it answers; the destructor ends it either way.
  browser.Do("Browser.close").IgnoreError();
  return capture;
}

}  // namespace leadrouter::testing

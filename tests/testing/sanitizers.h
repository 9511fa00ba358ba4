// Whether this test binary runs under a sanitizer, for GCC (__SANITIZE_ADDRESS__) and clang
// (__has_feature) alike: sanitized builds run several times slower and own the allocator, and a
// test that budgets time or counts allocations must know.
#pragma once

#if defined(__SANITIZE_ADDRESS__)
#define LEADROUTER_TEST_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define LEADROUTER_TEST_ASAN 1
#endif
#endif

#if defined(__SANITIZE_THREAD__)
#define LEADROUTER_TEST_TSAN 1
#elif defined(__has_feature)
#if __has_feature(thread_sanitizer)
#define LEADROUTER_TEST_TSAN 1
#endif
#endif

namespace leadrouter::testing {

#if defined(LEADROUTER_TEST_ASAN) || defined(LEADROUTER_TEST_TSAN)
inline constexpr bool kUnderSanitizer = true;
#else
inline constexpr bool kUnderSanitizer = false;
#endif

}  // namespace leadrouter::testing

// Compiled with -ffast-math by the test drelu.fast_math_rejected, which expects drelu.hpp to
// stop the build with its message.
#include <drelu/drelu.hpp>

int fast_math_check() {
  return 0;
}

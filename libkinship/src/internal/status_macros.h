// Private status helpers (Debian's absl has no status macros).
#ifndef KINSHIP_INTERNAL_STATUS_MACROS_H_
#define KINSHIP_INTERNAL_STATUS_MACROS_H_

#include "absl/status/status.h"
#include "absl/status/statusor.h"

#define KINSHIP_STATUS_CONCAT_INNER_(a, b) a##b
#define KINSHIP_STATUS_CONCAT_(a, b) KINSHIP_STATUS_CONCAT_INNER_(a, b)

#define KINSHIP_RETURN_IF_ERROR(expr)            \
  do {                                           \
    ::absl::Status kinship_status_ = (expr);     \
    if (!kinship_status_.ok()) return kinship_status_; \
  } while (0)

#define KINSHIP_ASSIGN_OR_RETURN(lhs, expr) \
  KINSHIP_ASSIGN_OR_RETURN_IMPL_(KINSHIP_STATUS_CONCAT_(kinship_statusor_, __LINE__), lhs, expr)

#define KINSHIP_ASSIGN_OR_RETURN_IMPL_(statusor, lhs, expr) \
  auto statusor = (expr);                                   \
  if (!statusor.ok()) return statusor.status();             \
  lhs = std::move(statusor).value()

#endif  // KINSHIP_INTERNAL_STATUS_MACROS_H_

# Reference values for the count models, computed with R (MASS::glm.nb, glm, optim).
#
# Data: R's `Seatbelts` (UK car drivers killed or seriously injured, monthly 1969-1984;
# Harvey and Durbin 1986). The compulsory seat-belt law came into force on
# 31 January 1983; the data's `law` column is 1 from February 1983.
#
# Run from the repository root (R >= 4 with MASS):
#   Rscript tests/models/reference/glm_nb_reference.R
# Writes, next to this script:
#   seatbelts_monthly.csv  the monthly data used (period, DriversKilled, PetrolPrice, law)
#   seatbelts_annual.csv   yearly sums of DriversKilled
#   reference_values.csv   model, quantity, term, value (17 significant digits)
#
# Models:
#   monthly_poisson / monthly_negbin: glm / glm.nb of DriversKilled on a linear trend in
#     years (0, 1/12, ...), month dummies (January reference), the law step (whole months,
#     from 1983-02) and PetrolPrice. Tight convergence so that the numbers are the MLE.
#   annual_frac_poisson / annual_frac_negbin: yearly sums on a linear trend (years since
#     1969) and the law as a step starting on 1983-02-01 that covers f = 334/365 of 1983,
#     with mean mu * ((1 - f) + f * exp(gamma)); maximised with optim (BFGS, analytic
#     gradient) and standard errors from the expected information with theta fixed.
#   monthly_frac_negbin: as monthly_negbin but the law starts on 1983-01-31 (in force
#     date), covering 1/31 of January 1983; fitted like the annual fractional models.
suppressPackageStartupMessages(library(MASS))

args <- commandArgs(trailingOnly = FALSE)
file_arg <- sub("^--file=", "", args[grep("^--file=", args)])
out_dir <- if (length(file_arg)) dirname(normalizePath(file_arg)) else "."

data(Seatbelts)
sb <- as.data.frame(Seatbelts)
n <- nrow(sb)
yr <- 1969 + (seq_len(n) - 1) %/% 12
mo <- (seq_len(n) - 1) %% 12 + 1
monthly <- data.frame(period = sprintf("%d-%02d", yr, mo), DriversKilled = sb$DriversKilled,
                      PetrolPrice = sb$PetrolPrice, law = sb$law)
write.csv(monthly, file.path(out_dir, "seatbelts_monthly.csv"), row.names = FALSE)

annual <- aggregate(DriversKilled ~ year, data = data.frame(year = yr, DriversKilled = sb$DriversKilled), sum)
write.csv(annual, file.path(out_dir, "seatbelts_annual.csv"), row.names = FALSE)

rows <- list()
add <- function(model, quantity, term, value) {
  rows[[length(rows) + 1]] <<- data.frame(model = model, quantity = quantity, term = term,
                                          value = sprintf("%.17g", value))
}

d <- data.frame(y = monthly$DriversKilled, trend = (seq_len(n) - 1) / 12,
                month = factor(mo), law = monthly$law, PetrolPrice = monthly$PetrolPrice)
X <- model.matrix(~ trend + month + law + PetrolPrice, d)
colnames(X) <- c("const", "trend", sprintf("month_%02d", 2:12), "law", "PetrolPrice")
ctl <- glm.control(epsilon = 1e-12, maxit = 500)

pois <- glm(d$y ~ X - 1, family = poisson, control = ctl)
nb <- glm.nb(d$y ~ X - 1, control = ctl)
for (m in list(list("monthly_poisson", pois), list("monthly_negbin", nb))) {
  name <- m[[1]]; fit <- m[[2]]
  s <- summary(fit)$coefficients
  for (j in seq_len(ncol(X))) {
    add(name, "coef", colnames(X)[j], s[j, 1])
    add(name, "se", colnames(X)[j], s[j, 2])
  }
  add(name, "llf", "", as.numeric(logLik(fit)))
  add(name, "aic", "", AIC(fit))
}
add("monthly_negbin", "theta", "", nb$theta)
add("monthly_negbin", "se_theta", "", nb$SE.theta)

# ---- exact partial-period step, fitted by optim
nb_ll <- function(y, mu, theta) {
  sum(lgamma(y + theta) - lgamma(theta) - lgamma(y + 1) + theta * log(theta) +
        y * log(mu) - (theta + y) * log(theta + mu))
}
pois_ll <- function(y, mu) sum(dpois(y, mu, log = TRUE))

fit_frac <- function(y, X, f, family, start) {
  p <- ncol(X)
  mean_parts <- function(par) {
    beta <- par[1:p]; gamma <- par[p + 1]
    m <- (1 - f) + f * exp(gamma)
    mu <- exp(drop(X %*% beta)) * m
    D <- cbind(X, f * exp(gamma) / m)
    list(mu = mu, D = D)
  }
  if (family == "poisson") {
    nll <- function(par) -pois_ll(y, mean_parts(par)$mu)
    gr <- function(par) { mp <- mean_parts(par); -drop(crossprod(mp$D, y - mp$mu)) }
  } else {
    nll <- function(par) { k <- length(par); -nb_ll(y, mean_parts(par[-k])$mu, exp(par[k])) }
    gr <- function(par) {
      k <- length(par); th <- exp(par[k]); mp <- mean_parts(par[-k]); mu <- mp$mu
      g_beta <- drop(crossprod(mp$D, (y - mu) * th / (th + mu)))
      g_th <- sum(digamma(y + th) - digamma(th) + log(th) + 1 - log(th + mu) - (y + th) / (th + mu))
      -c(g_beta, g_th * th)
    }
  }
  par <- start
  for (rep in 1:20) {
    o <- optim(par, nll, gr, method = "BFGS", control = list(reltol = 1e-16, maxit = 100000))
    if (max(abs(o$par - par)) < 1e-12) break
    par <- o$par
  }
  par <- o$par
  # polish with Newton steps on the analytic gradient (numerical Hessian of the gradient)
  for (rep in 1:10) {
    H <- optimHess(par, nll, gr)
    par <- par - solve(H, gr(par))
  }
  o <- list(par = par, value = nll(par))
  if (family == "poisson") { theta <- Inf; beta <- par } else { theta <- exp(par[length(par)]); beta <- par[-length(par)] }
  mp <- mean_parts(beta)
  w <- if (is.finite(theta)) mp$mu * theta / (theta + mp$mu) else mp$mu
  V <- solve(crossprod(mp$D, w * mp$D))
  list(beta = beta, se = sqrt(diag(V)), theta = theta, llf = -o$value,
       grad = max(abs(gr(par))))
}

# annual sums with a step from 1983-02-01 (334 of the 365 days of 1983)
ya <- annual$DriversKilled
na <- length(ya)
Xa <- cbind(const = 1, trend = seq_len(na) - 1)
fa <- ifelse(annual$year < 1983, 0, ifelse(annual$year == 1983, 334 / 365, 1))
start_glm <- coef(glm(ya ~ Xa - 1 + fa, family = poisson))
ap <- fit_frac(ya, Xa, fa, "poisson", unname(start_glm))
th0 <- theta.ml(ya, fitted(glm(ya ~ Xa - 1 + fa, family = poisson)))
anb <- fit_frac(ya, Xa, fa, "negbin", c(unname(start_glm), log(th0)))
for (m in list(list("annual_frac_poisson", ap), list("annual_frac_negbin", anb))) {
  name <- m[[1]]; r <- m[[2]]
  terms <- c("const", "trend", "law")
  for (j in 1:3) { add(name, "coef", terms[j], r$beta[j]); add(name, "se", terms[j], r$se[j]) }
  add(name, "llf", "", r$llf)
  add(name, "max_abs_gradient", "", r$grad)
  if (is.finite(r$theta)) add(name, "theta", "", r$theta)
}

# monthly with the law from 1983-01-31: covers 1/31 of January 1983
fm <- ifelse(monthly$period < "1983-01", 0, ifelse(monthly$period == "1983-01", 1 / 31, 1))
Xm <- X[, colnames(X) != "law"]
st <- c(unname(coef(nb)[colnames(X) != "law"]), unname(coef(nb)["Xlaw"]), log(nb$theta))
mnb <- fit_frac(d$y, Xm, fm, "negbin", st)
terms <- c(colnames(Xm), "law")
for (j in seq_along(terms)) {
  add("monthly_frac_negbin", "coef", terms[j], mnb$beta[j])
  add("monthly_frac_negbin", "se", terms[j], mnb$se[j])
}
add("monthly_frac_negbin", "llf", "", mnb$llf)
add("monthly_frac_negbin", "theta", "", mnb$theta)
add("monthly_frac_negbin", "max_abs_gradient", "", mnb$grad)

out <- do.call(rbind, rows)
write.csv(out, file.path(out_dir, "reference_values.csv"), row.names = FALSE, quote = TRUE)
cat(R.version.string, "\n")
cat("MASS", as.character(packageVersion("MASS")), "\n")

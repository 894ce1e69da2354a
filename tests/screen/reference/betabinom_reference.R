# Reference beta-binomial fits for tests/screen/test_betabinom.py.
# R 4.2.2, VGAM 1.1-7 (Debian packages r-base-core, r-cran-vgam).
# Model: y ~ BetaBinomial(n, mu, rho), logit(mu) = b0 + b1*trend + b2*step, rho constant.
# The "none" data set has no overdispersion: rho runs to the boundary and VGAM warns
# about its working weights; its b0-b2 are then the binomial GLM estimates.
# Run from this folder: Rscript betabinom_reference.R  (writes betabinom_reference.csv)
suppressPackageStartupMessages(library(VGAM))
d <- read.csv("betabinom_data.csv")
out <- list()
for (ds in unique(d$dataset)) {
  s <- d[d$dataset == ds, ]
  fit <- vglm(cbind(y, n - y) ~ trend + step, betabinomial(zero = 2), data = s,
              control = vglm.control(epsilon = 1e-12, maxit = 200))
  cf <- coef(fit)
  se <- sqrt(diag(vcov(fit)))
  rho <- plogis(cf[["(Intercept):2"]])
  out[[ds]] <- data.frame(dataset = ds,
    b0 = cf[["(Intercept):1"]], b1 = cf[["trend"]], b2 = cf[["step"]],
    se_b0 = se[["(Intercept):1"]], se_b1 = se[["trend"]], se_b2 = se[["step"]],
    rho = rho, loglik = logLik(fit))
}
res <- do.call(rbind, out)
write.csv(res, "betabinom_reference.csv", row.names = FALSE)
print(res, digits = 10)

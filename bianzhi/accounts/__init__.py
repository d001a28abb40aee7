"""Accounts and sign-in security (等保 2.0 身份鉴别 / 安全审计): the office's account pages, one-time sign-in
codes, password policy and expiry, lockout (django-axes), idle timeout and the append-only security audit."""

"""Indicator trees and AHP weights are stored here once a campaign judges its tree (see scoring.ahp)."""

"""Integrations of derive into documentation tools and notebooks: MkDocs, Sphinx (reST and MyST)
and IPython. Each embeds one exercise per block through `derive.integrations.block`; the tools
themselves are optional extras, imported only by the module that serves them."""

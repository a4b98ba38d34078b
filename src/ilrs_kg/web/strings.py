"""The pages' own words in the reader's language (en, zh, ru); anything not listed stays English."""

from __future__ import annotations

_STRINGS: dict[str, dict[str, str]] = {
    "Facts": {"zh": "事实", "ru": "Факты"},
    "When": {"zh": "时间", "ru": "Когда"},
    "Where": {"zh": "地点", "ru": "Где"},
    "Names": {"zh": "名称", "ru": "Названия"},
    "Notes": {"zh": "注释", "ru": "Примечания"},
    "Claims": {"zh": "各来源的说法", "ru": "Утверждения источников"},
    "According to": {"zh": "来源\uff1a", "ru": "По данным"},
    "sources disagree": {"zh": "来源不一致", "ru": "источники расходятся"},
    "What links here": {"zh": "链接到此处的条目", "ru": "Ссылки сюда"},
    "Sources": {"zh": "来源", "ru": "Источники"},
    "Editorial": {"zh": "编辑说明", "ru": "Редакционное"},
    "Derived": {"zh": "推导所得", "ru": "Выведено"},
    "This description as data": {"zh": "以数据形式查看", "ru": "Это описание как данные"},
    "View as": {"zh": "查看格式\uff1a", "ru": "Открыть как"},
    "Members and when they joined": {"zh": "成员及加入时间", "ru": "Участники и даты вступления"},
    "Missions by phase": {"zh": "按阶段列出的任务", "ru": "Миссии по этапам"},
    "What is in it": {"zh": "内容概览", "ru": "Что здесь есть"},
    "Member": {"zh": "成员", "ru": "Участник"},
    "Joined": {"zh": "加入时间", "ru": "Дата вступления"},
    "Role": {"zh": "角色", "ru": "Роль"},
    "Search": {"zh": "搜索", "ru": "Поиск"},
    "Ontology": {"zh": "本体", "ru": "Онтология"},
    "Downloads": {"zh": "下载", "ru": "Загрузки"},
}


def translate(text: str, lang: str) -> str:
    return _STRINGS.get(text, {}).get(lang, text)

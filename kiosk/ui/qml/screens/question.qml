import QtQuick
import "../components"

Item {
    id: screen
    objectName: "screen_question"
    // Landscape: the question on the left, the answers on the right with the whole height (under
    // each other, a short landscape screen at the largest text left the answers a sliver).
    readonly property bool wide: !portrait
    Flickable {  // the question scrolls by itself only when a long one fills the left column
        id: headView
        width: head.width
        height: wide ? Math.min(head.height, nav.y - units.mm(4)) : head.height
        contentHeight: head.height
        interactive: contentHeight > height + 1
        clip: true
        Column {
            id: head
            width: wide ? screen.width * 0.42 : screen.width
            spacing: units.mm(3)
            Body {
                objectName: "questionPosition"
                visible: !Qt.inputMethod.visible
                color: theme.c.muted
                text: i18n.t.question_position.arg(form.index + 1).arg(form.count)
            }
            Heading {
                objectName: "questionLabel"
                text: form.label
            }
            Body {
                visible: form.help.length > 0 && !Qt.inputMethod.visible
                color: theme.c.muted
                text: form.help
            }
        }
    }
    ScrollHint { flick: headView }
    Loader {
        id: editor
        anchors.top: wide ? parent.top : headView.bottom
        anchors.topMargin: wide ? 0 : units.mm(6)
        anchors.bottom: errorBox.top
        x: wide ? head.width + units.mm(8) : 0
        width: parent.width - x
        sourceComponent: form.kind === "date" ? datePicker
                         : form.kind === "text" ? textField
                         : form.kind === "number" ? numberPad : choiceList
    }
    Rectangle {
        id: errorBox
        objectName: "questionError"
        anchors.bottom: nav.top
        anchors.bottomMargin: units.mm(4)
        width: parent.width
        height: form.error.length > 0 ? err.implicitHeight + units.mm(4) : 0
        visible: form.error.length > 0
        color: theme.c.danger
        radius: units.mm(2)
        Body {
            id: err
            anchors.centerIn: parent
            width: parent.width - units.mm(6)
            color: theme.c.danger_text
            text: form.error
        }
    }
    // "Tiếp tục" right under the answer, not at the far bottom of a tall portrait screen.
    readonly property real contentUsed: editor.item ? editor.item.used : 0
    NavBar {
        id: nav
        y: Math.min(parent.height - height,
                    (wide ? Math.max(head.height, contentUsed) : head.height + units.mm(6) + contentUsed)
                    + errorBox.height + units.mm(12))
        width: parent.width
        nextText: i18n.t.nav_next
        onBack: flow.back()
        onNext: flow.next()
    }

    Component {
        id: choiceList
        Flickable {
            id: choiceFlick
            readonly property real used: opts.height
            contentHeight: opts.height
            clip: true
            Grid {
                id: opts
                width: parent.width
                columns: form.options.length > 4 ? 2 : 1
                spacing: units.mm(4)
                Repeater {
                    model: form.options
                    KButton {
                        required property var modelData
                        required property int index
                        objectName: "option_" + index
                        width: (opts.width - (opts.columns - 1) * opts.spacing) / opts.columns
                        kind: form.value_text === modelData.value ? "primary" : "secondary"
                        text: (form.value_text === modelData.value ? "✓ " : "") + modelData.label
                        onClicked: form.choose(modelData.value)
                    }
                }
            }
            ScrollHint {  // more answers below; on the view itself, so it does not scroll away
                parent: choiceFlick
                flick: choiceFlick
            }
        }
    }

    Component {
        id: datePicker
        Row {
            readonly property real used: implicitHeight
            spacing: units.mm(8)
            Repeater {
                model: [
                    { part: "day", label: i18n.t.date_day, value: form.day },
                    { part: "month", label: i18n.t.date_month, value: form.month },
                    { part: "year", label: i18n.t.date_year, value: form.year }
                ]
                Column {
                    required property var modelData
                    spacing: units.mm(3)
                    width: units.mm(55)
                    Body { text: modelData.label; horizontalAlignment: Text.AlignHCenter }
                    KButton {
                        objectName: "date_" + modelData.part + "_up"
                        width: parent.width
                        text: "+"
                        kind: "secondary"
                        onClicked: form.step_date(modelData.part, 1)
                    }
                    Text {
                        objectName: "date_" + modelData.part + "_value"
                        width: parent.width
                        horizontalAlignment: Text.AlignHCenter
                        color: theme.c.text
                        font.pixelSize: units.huge_px
                        font.bold: true
                        text: modelData.value
                    }
                    KButton {
                        objectName: "date_" + modelData.part + "_down"
                        width: parent.width
                        text: "−"
                        kind: "secondary"
                        onClicked: form.step_date(modelData.part, -1)
                    }
                }
            }
        }
    }

    Component {
        id: textField
        Item {
            readonly property real used: textCol.height
        Flickable {
            id: textFlick
            anchors.fill: parent
            contentHeight: textCol.height
            clip: true
        Column {
            id: textCol
            width: parent.width
            spacing: units.mm(4)
            KButton {  // another person's name: their card's QR first, typing as the fallback
                objectName: "scanOtherCard"
                visible: form.can_scan_card && !form.scanning_card
                width: parent.width
                minHeight: units.mm(24)
                text: i18n.t.card_other_button
                sub: i18n.t.card_other_hint
                onClicked: form.scan_card()
            }
            Rectangle {
                objectName: "otherCardMessage"
                visible: form.card_message.length > 0
                width: parent.width
                height: cardMsg.implicitHeight + units.mm(6)
                color: theme.c.surface
                border.color: theme.c.border
                border.width: units.mm(0.5)
                radius: units.mm(2)
                Body {
                    id: cardMsg
                    anchors.centerIn: parent
                    width: parent.width - units.mm(6)
                    font.bold: true
                    text: form.card_message
                }
            }
            KButton {
                objectName: "stopOtherCard"
                visible: form.scanning_card
                kind: "secondary"
                text: i18n.t.card_other_stop
                onClicked: form.stop_card()
            }
            Body {
                visible: form.can_scan_card && !form.scanning_card
                color: theme.c.muted
                text: i18n.t.card_other_type
            }
            Rectangle {  // what is typed so far, on the kiosk's own keyboard below
                visible: !form.scanning_card
                width: parent.width
                height: Math.max(units.mm(26), typedName.implicitHeight + units.mm(8))
                color: theme.c.background
                border.color: theme.c.border
                border.width: units.mm(0.8)
                radius: units.mm(2)
                Text {
                    id: typedName
                    objectName: "textAnswer"
                    anchors.verticalCenter: parent.verticalCenter
                    anchors.left: parent.left
                    anchors.right: parent.right
                    anchors.margins: units.mm(4)
                    color: theme.c.text
                    font.pixelSize: units.body_px * 1.2
                    font.bold: true
                    wrapMode: Text.WordWrap
                    text: form.value_text + "▏"
                }
            }
            NameKeyboard {
                objectName: "nameKeyboard"
                visible: !form.scanning_card
                width: parent.width
            }
        }
        }
        ScrollHint { flick: textFlick }
        }
    }

    Component {
        id: numberPad
        Row {
            readonly property real used: implicitHeight
            spacing: units.mm(10)
            Text {
                objectName: "numberAnswer"
                width: units.mm(80)
                color: theme.c.text
                font.pixelSize: units.huge_px
                font.bold: true
                text: form.value_text.length > 0 ? form.value_text : "—"
            }
            Keypad {
                prefix: "numpad"
                okEnabled: form.value_text.length > 0
                onDigit: (d) => form.set_text(form.value_text + d)
                onErase: form.set_text(form.value_text.slice(0, -1))
                onOk: flow.next()
            }
        }
    }
}

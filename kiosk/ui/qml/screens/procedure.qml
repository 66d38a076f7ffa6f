import QtQuick
import "../components"

Item {
    objectName: "screen_procedure"
    Heading {
        id: title
        text: i18n.t.procedure_title
    }
    Flickable {
        anchors.top: title.bottom
        anchors.topMargin: units.mm(5)
        anchors.bottom: nav.top
        anchors.bottomMargin: units.mm(4)
        width: parent.width
        contentHeight: col.height
        clip: true
        Column {
            id: col
            width: parent.width
            spacing: units.mm(4)
            Repeater {
                model: flow.procedures
                Column {
                    required property var modelData
                    width: col.width
                    spacing: units.mm(3)
                    Body {
                        text: modelData.group
                        font.bold: true
                        color: theme.c.muted
                    }
                    Grid {
                        width: parent.width
                        columns: 2
                        spacing: units.mm(4)
                        Repeater {
                            model: modelData.items
                            KButton {
                                required property var modelData
                                objectName: "proc_" + modelData.code
                                width: (col.width - units.mm(4)) / 2
                                minHeight: units.mm(30)
                                text: modelData.title
                                sub: modelData.summary
                                onClicked: flow.choose_procedure(modelData.code)
                            }
                        }
                    }
                }
            }
        }
    }
    NavBar {
        id: nav
        anchors.bottom: parent.bottom
        width: parent.width
        onBack: flow.back()
    }
}
